import type { ServiceDetails } from '@internal/backstage-plugin-dbaas-common';
import type { Caller } from '../router/requestContext';
import { restoreView } from '../router/restoreViews';
import { loadService } from '../router/routes/loadService';
import type { RouteContext } from '../router/routes/RouteContext';
import { toDetails } from '../router/serviceViews';

/**
 * One database as `GET /v1/services/{id}` answers it: its config, status,
 * connection details (never a password) and timeline. One the caller may not
 * see is a NotFoundError, as if it did not exist.
 */
export async function getDatabase(
  ctx: RouteContext,
  caller: Caller,
  id: string,
): Promise<ServiceDetails> {
  const record = await loadService(ctx, caller, id);
  const restore = await ctx.backups.restoreInto(record.id);
  return toDetails(
    record,
    await ctx.timeline.list(record.id),
    restore ? await restoreView(ctx, restore) : undefined,
  );
}
