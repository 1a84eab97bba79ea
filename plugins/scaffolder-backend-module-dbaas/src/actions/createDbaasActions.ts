import type { PermissionsService } from '@backstage/backend-plugin-api';
import type { DbaasActionDeps } from './DbaasActionDeps';
import { createDbaasCdcCreateAction } from './createDbaasCdcCreateAction';
import { createDbaasClaimPublishAction } from './createDbaasClaimPublishAction';
import { createDbaasClaimValidateAction } from './createDbaasClaimValidateAction';
import { createDbaasClaimWaitAction } from './createDbaasClaimWaitAction';
import { createDbaasServiceConfigureAction } from './createDbaasServiceConfigureAction';
import { createDbaasServiceDecommissionAction } from './createDbaasServiceDecommissionAction';
import { createDbaasServiceRestoreAction } from './createDbaasServiceRestoreAction';
import { createDbaasServiceScaleAction } from './createDbaasServiceScaleAction';
import { createDbaasServiceUpgradeAction } from './createDbaasServiceUpgradeAction';

/**
 * Every `dbaas:*` action: those that order a database, then those that change
 * one (a CDC pipeline is a change of the database's claim too).
 * @public
 */
export function createDbaasActions(
  deps: DbaasActionDeps & {
    /** Answers whether the user may create databases in a tenant. */
    permissions: PermissionsService;
  },
) {
  return [
    createDbaasClaimValidateAction(deps),
    createDbaasClaimPublishAction(deps),
    createDbaasClaimWaitAction(deps),
    createDbaasServiceConfigureAction(deps),
    createDbaasServiceScaleAction(deps),
    createDbaasServiceUpgradeAction(deps),
    createDbaasServiceRestoreAction(deps),
    createDbaasServiceDecommissionAction(deps),
    createDbaasCdcCreateAction(deps),
  ];
}
