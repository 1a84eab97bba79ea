import {
  MAX_SERVICES_PAGE_SIZE,
  type ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';
import type { DbaasServiceClient } from './DbaasServiceClient';

/**
 * Every database, page by page. `consistent` is false when the list changed
 * while it was read: pages are cut by offset, so a database deleted meanwhile
 * shifts the next page and another one is skipped without a trace but a
 * changed total or a repeated id.
 */
export async function listAllServices(
  client: DbaasServiceClient,
  signal?: AbortSignal,
): Promise<{ services: ServiceSummary[]; consistent: boolean }> {
  const byId = new Map<string, ServiceSummary>();
  let consistent = true;
  let total: number | undefined;
  for (let page = 1; ; page++) {
    signal?.throwIfAborted();
    const { data, pagination } = await client.listServices(page);
    if (total !== undefined && pagination.total !== total) {
      consistent = false;
    }
    total = pagination.total;
    for (const service of data) {
      if (byId.has(service.id)) {
        consistent = false;
      }
      byId.set(service.id, service);
    }
    if (
      data.length < MAX_SERVICES_PAGE_SIZE ||
      page * MAX_SERVICES_PAGE_SIZE >= total
    ) {
      break;
    }
  }
  return {
    services: [...byId.values()],
    consistent: consistent && byId.size === total,
  };
}
