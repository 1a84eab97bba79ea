import {
  dbaasServiceReadPermission,
  listServicesQuerySchema,
  type Page,
  type ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';
import { priced } from '../cost/priced';
import { parseInput } from '../router/parse';
import type { Caller } from '../router/requestContext';
import type { RouteContext } from '../router/routes/RouteContext';
import { toSummary } from '../router/serviceViews';

/**
 * A page of the databases the caller may see (`GET /v1/services`), the query
 * checked with its schema and the list filtered in SQL by the caller's read
 * permission.
 */
export async function listDatabases(
  ctx: RouteContext,
  caller: Caller,
  rawQuery: unknown,
): Promise<Page<ServiceSummary>> {
  const query = parseInput(listServicesQuerySchema, rawQuery, 'query');
  const filter = await ctx.access
    .serviceFilter(dbaasServiceReadPermission, caller.credentials)
    .catch(error => {
      // A caller who may see no database at all gets an empty list.
      if (error.name === 'NotAllowedError') return 'none' as const;
      throw error;
    });
  const page =
    filter === 'none'
      ? {
          data: [],
          pagination: { page: query.page, limit: query.limit, total: 0 },
        }
      : await ctx.services.listServices(query, filter);
  const { prices } = ctx.costs;
  return {
    data: page.data.map(record => ({
      ...toSummary(record),
      // A deleted database costs nothing any more.
      ...(record.deletedAt ? {} : priced(prices, record.spec)),
    })),
    pagination: page.pagination,
  };
}
