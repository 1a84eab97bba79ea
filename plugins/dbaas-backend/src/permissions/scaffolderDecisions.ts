import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  RESOURCE_TYPE_SCAFFOLDER_TASK,
  actionExecutePermission,
  taskCancelPermission,
  taskCreatePermission,
  taskReadPermission,
  templateDryRunPermission,
  templateManagementPermission,
  templateParameterReadPermission,
  templateStepReadPermission,
} from '@backstage/plugin-scaffolder-common/alpha';
import {
  createScaffolderTaskConditionalDecision,
  scaffolderTaskConditions,
} from '@backstage/plugin-scaffolder-backend/alpha';
import {
  platformAdminsAndPlugins,
  type PluginDecision,
  type PluginDecisions,
} from './PluginDecision';

const allow: PluginDecision = () => ({ result: AuthorizeResult.ALLOW });

/**
 * A task's parameters, logs and output name the tenant, the database and what
 * the requester typed; another user must not read or cancel it. The
 * scaffolder's own `isTaskOwner` rule filters its task list in SQL and checks
 * single tasks; platform admins and plugins see every task.
 */
const ownTasksOnly: PluginDecision = ({ request, user, isPlatformAdmin }) => {
  if (!user || isPlatformAdmin) {
    return { result: AuthorizeResult.ALLOW };
  }
  if (
    !isResourcePermission(request.permission, RESOURCE_TYPE_SCAFFOLDER_TASK)
  ) {
    return { result: AuthorizeResult.DENY };
  }
  const ref = user.info.userEntityRef;
  return createScaffolderTaskConditionalDecision(
    request.permission,
    scaffolderTaskConditions.isTaskOwner({
      createdBy: [...new Set([ref, ref.toLowerCase()])],
    }),
  );
};

/**
 * The scaffolder's permissions.
 *
 * - `scaffolder.task.read`, `scaffolder.task.cancel`: the user's own tasks.
 * - `scaffolder.task.create`, `scaffolder.template.parameter.read`,
 *   `scaffolder.template.step.read`, `scaffolder.action.execute`: allowed.
 *   Requesting a database through a template is the portal's self-service;
 *   templates come from the catalog, where only platform admins register them,
 *   and the DBaaS actions call the DBaaS API on behalf of the user, which
 *   decides by the user's roles in the tenant.
 * - `scaffolder.template.dry-run`, `scaffolder.template.management`: platform
 *   admins (and plugins). A dry run executes a template the caller sends
 *   rather than one from the catalog, with the portal's integration
 *   credentials; it and template management are for template authors.
 */
export const scaffolderDecisions: PluginDecisions = {
  [taskReadPermission.name]: ownTasksOnly,
  [taskCancelPermission.name]: ownTasksOnly,
  [taskCreatePermission.name]: allow,
  [templateParameterReadPermission.name]: allow,
  [templateStepReadPermission.name]: allow,
  [actionExecutePermission.name]: allow,
  [templateDryRunPermission.name]: platformAdminsAndPlugins,
  [templateManagementPermission.name]: platformAdminsAndPlugins,
};
