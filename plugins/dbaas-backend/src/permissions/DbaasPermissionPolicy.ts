import {
  AuthorizeResult,
  isResourcePermission,
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

/**
 * The portal's permission policy. DBaaS permissions are decided by the roles a
 * user (or one of their groups) holds where the database or organization sits,
 * as a conditional decision so that lists are filtered in SQL. Platform admins
 * (configured) may do everything. Every other plugin's permission is allowed, as
 * the allow-all policy this replaces did.
 *
 * @public
 */
export class DbaasPermissionPolicy implements PermissionPolicy {
  private readonly platformAdmins: Set<string>;

  constructor(options: { platformAdmins: string[] }) {
    this.platformAdmins = new Set(
      options.platformAdmins.map(ref => ref.toLowerCase()),
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    const roles = DBAAS_ROLES_BY_PERMISSION[permission.name];
    if (!roles) {
      return { result: AuthorizeResult.ALLOW };
    }
    // No user means a backend plugin calling with its own service credentials:
    // plugins are trusted, as throughout Backstage.
    if (!user) {
      return { result: AuthorizeResult.ALLOW };
    }
    const principals = [
      user.info.userEntityRef,
      ...user.info.ownershipEntityRefs,
    ].map(ref => ref.toLowerCase());
    if (principals.some(ref => this.platformAdmins.has(ref))) {
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
}
