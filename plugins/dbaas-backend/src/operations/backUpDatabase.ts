import { ConflictError } from '@backstage/errors';
import {
  createBackupRequestSchema,
  dbaasBackupManagePermission,
  engineBackups,
  type Backup,
} from '@internal/backstage-plugin-dbaas-common';
import type { Asker } from '../lifecycle/DatabaseLifecycle';
import { parseInput } from '../router/parse';
import { loadService } from '../router/routes/loadService';
import type { RouteContext } from '../router/routes/RouteContext';

/**
 * A backup of the database taken now (`POST /v1/services/{id}/backups`): the
 * caller must be allowed to manage its backups, its engine must take one on
 * request, and it counts against the tenant's backup quota. Audited as the
 * caller through the lifecycle.
 */
export async function backUpDatabase(
  ctx: RouteContext,
  asker: Asker,
  id: string,
  rawBody: unknown,
): Promise<Backup> {
  const body = parseInput(createBackupRequestSchema, rawBody, 'backup request');
  const record = await loadService(
    ctx,
    asker.caller,
    id,
    dbaasBackupManagePermission,
  );
  if (record.status === 'Deleting') {
    throw new ConflictError(
      `Database ${record.name} is being deleted; its final backup is already requested`,
    );
  }
  const manual = engineBackups[record.spec.engine].manual;
  if (!manual.available) {
    throw new ConflictError(
      `Database ${record.name} cannot be backed up now: ${manual.reason}`,
    );
  }
  return ctx.lifecycle.requestBackup(asker, record, {
    type: body.type,
    description: body.description,
  });
}
