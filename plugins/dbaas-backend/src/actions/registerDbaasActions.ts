import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { registerBackUpDatabaseAction } from './backUpDatabaseAction';
import { registerGetDatabaseAction } from './getDatabaseAction';
import { registerGetQuotaAction } from './getQuotaAction';
import { registerListDatabasesAction } from './listDatabasesAction';
import { registerOrderDatabaseAction } from './orderDatabaseAction';
import type { DbaasActionDeps } from './runAsUser';

/**
 * The DBaaS actions of Backstage's actions registry (`dbaas:<name>`), which
 * the MCP actions backend offers agents as tools (`dbaas.<name>`) when
 * `backend.actions.pluginSources` lists `dbaas`. Each serves a signed-in user
 * through the API's own code: the same permission checks, lifecycle and
 * audit events as the route it mirrors (docs/agents.md).
 */
export function registerDbaasActions(
  registry: ActionsRegistryService,
  deps: DbaasActionDeps,
) {
  registerListDatabasesAction(registry, deps);
  registerGetDatabaseAction(registry, deps);
  registerGetQuotaAction(registry, deps);
  registerOrderDatabaseAction(registry, deps);
  registerBackUpDatabaseAction(registry, deps);
}
