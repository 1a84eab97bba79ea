import type {
  BackstageCredentials,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import type { GrantStore } from '../database/GrantStore';
import type { AccessFilter } from './accessFilter';
import {
  dbaasOrganizationResourceRef,
  dbaasServiceResourceRef,
  type AccessResource,
} from './resources';

type Place = { organization: string; tenants: string[] };

/**
 * The plugin's questions to the permission framework. Decisions come back
 * conditional; lists turn the conditions into a SQL filter, single resources are
 * checked here against the grants where they sit.
 */
export class DbaasAccess {
  constructor(
    private readonly permissions: PermissionsService,
    private readonly registry: PermissionsRegistryService,
    private readonly grants: GrantStore,
  ) {}

  /**
   * The filter a list of databases gets; `undefined` lets everything through.
   * Throws NotAllowedError when the caller may see no database at all.
   */
  async serviceFilter(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
  ): Promise<AccessFilter> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      if (decision.result === AuthorizeResult.ALLOW) {
        return undefined;
      }
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
    const transform = createConditionTransformer(
      this.registry.getPermissionRuleset(dbaasServiceResourceRef),
    );
    return transform(decision.conditions);
  }

  /** Whether the caller may act on a database at this place (or create one there). */
  async canOnService(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    place: Place,
  ): Promise<boolean> {
    return this.decide(permission, credentials, place, 'service');
  }

  /** Whether the caller may act on an organization. */
  async canOnOrganization(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    place: Place,
  ): Promise<boolean> {
    return this.decide(permission, credentials, place, 'organization');
  }

  /** What the permission system's apply-conditions endpoint evaluates rules on. */
  async resourceAt(place: Place): Promise<AccessResource> {
    return {
      ...place,
      grants: await this.grants.grantsOn([
        place.organization,
        ...place.tenants,
      ]),
    };
  }

  private async decide(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    place: Place,
    kind: 'service' | 'organization',
  ): Promise<boolean> {
    const [decision] = await this.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return decision.result === AuthorizeResult.ALLOW;
    }
    const authorize = createConditionAuthorizer(
      this.registry.getPermissionRuleset(
        kind === 'service'
          ? dbaasServiceResourceRef
          : dbaasOrganizationResourceRef,
      ),
    );
    return authorize(decision, await this.resourceAt(place));
  }
}
