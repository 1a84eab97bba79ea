import {
  AuthorizeResult,
  isResourcePermission,
  type Permission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  DBAAS_ORGANIZATION_RESOURCE_TYPE,
  DBAAS_ROLES_BY_PERMISSION,
  DBAAS_SERVICE_RESOURCE_TYPE,
} from '@internal/backstage-plugin-dbaas-common';
import {
  createDbaasOrganizationConditionalDecision,
  createDbaasServiceConditionalDecision,
  dbaasOrganizationConditions,
  dbaasServiceConditions,
} from './conditions';
import type { PluginDecisions } from './PluginDecision';

/**
 * The portal's permission policy. DBaaS permissions are decided by the roles a
 * user (or one of their groups) holds where the database or organization sits,
 * as a conditional decision so that lists are filtered in SQL. Platform admins
 * (configured) may do everything. Other plugins' permissions are decided one
 * by one by the `decisions` given (see PluginDecision); one without a decision
 * is allowed.
 *
 * @public
 */
export class DbaasPermissionPolicy implements PermissionPolicy {
  private readonly platformAdmins: Set<string>;
  private readonly decisions: PluginDecisions;

  constructor(options: {
    platformAdmins: string[];
    decisions?: PluginDecisions;
  }) {
    this.platformAdmins = new Set(
      options.platformAdmins.map(ref => ref.toLowerCase()),
    );
    this.decisions = options.decisions ?? {};
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const principals = user
      ? [user.info.userEntityRef, ...user.info.ownershipEntityRefs].map(ref =>
          ref.toLowerCase(),
        )
      : [];
    const isPlatformAdmin = principals.some(ref =>
      this.platformAdmins.has(ref),
    );
    const roles = DBAAS_ROLES_BY_PERMISSION[permission.name];
    if (!roles) {
      const decide = Object.hasOwn(this.decisions, permission.name)
        ? this.decisions[permission.name]
        : undefined;
      return decide
        ? decide({ request, user, principals, isPlatformAdmin })
        : { result: AuthorizeResult.ALLOW };
    }
    // No user means a backend plugin calling with its own service credentials:
    // plugins are trusted, as throughout Backstage. (The DBaaS router lets no
    // other service principal through; see DbaasAccess for API clients.)
    if (!user) {
      return { result: AuthorizeResult.ALLOW };
    }
    return dbaasRoleDecision(permission, principals, isPlatformAdmin);
  }
}

/**
 * The decision on a DBaaS permission for someone known by their principals
 * (a user and their groups): allowed to platform admins, else conditional on
 * the roles the principals hold where the resource sits. The policy decides so
 * for users; DbaasAccess for the API clients that act for them.
 */
export function dbaasRoleDecision(
  permission: Permission,
  principals: string[],
  isPlatformAdmin: boolean,
): PolicyDecision {
  const roles = DBAAS_ROLES_BY_PERMISSION[permission.name];
  if (!roles) {
    return { result: AuthorizeResult.DENY };
  }
  if (isPlatformAdmin) {
    return { result: AuthorizeResult.ALLOW };
  }
  if (isResourcePermission(permission, DBAAS_SERVICE_RESOURCE_TYPE)) {
    return createDbaasServiceConditionalDecision(
      permission,
      dbaasServiceConditions.hasRole({ principals, roles }),
    );
  }
  if (isResourcePermission(permission, DBAAS_ORGANIZATION_RESOURCE_TYPE)) {
    return createDbaasOrganizationConditionalDecision(
      permission,
      dbaasOrganizationConditions.hasRole({ principals, roles }),
    );
  }
  return { result: AuthorizeResult.DENY };
}
