import { NotAllowedError, NotFoundError } from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import { dbaasServiceReadPermission } from '@internal/backstage-plugin-dbaas-common';
import type { ServiceRecord } from '../../database/ServiceStore';
import { parseServiceId } from '../parse';
import type { Caller } from '../requestContext';
import type { RouteContext } from './RouteContext';

/**
 * The database a request is about. One the caller may not see answers 404, as if
 * it did not exist; one they may see but not change answers 403.
 */
export async function loadService(
  ctx: RouteContext,
  caller: Caller,
  rawId: string,
  permission: ResourcePermission = dbaasServiceReadPermission,
  /** Deleted databases too: their backups and restores outlive them. */
  options: { includeDeleted?: boolean } = {},
): Promise<ServiceRecord> {
  const id = parseServiceId(rawId);
  const readFilter = await ctx.access
    .serviceFilter(dbaasServiceReadPermission, caller.credentials)
    .catch(error => {
      if (error.name === 'NotAllowedError') {
        throw new NotFoundError(`There is no database ${id}`);
      }
      throw error;
    });
  const record = await ctx.services.getService(id, readFilter, options);
  if (!record) {
    throw new NotFoundError(`There is no database ${id}`);
  }
  if (
    permission.name !== dbaasServiceReadPermission.name &&
    !(await ctx.access.canOnService(permission, caller.credentials, {
      organization: record.organization,
      tenants: [record.tenant],
    }))
  ) {
    throw new NotAllowedError(
      `${caller.actor} may not ${
        permission.attributes.action ?? 'change'
      } database ${record.name} of ${record.tenant} (${permission.name})`,
    );
  }
  return record;
}
