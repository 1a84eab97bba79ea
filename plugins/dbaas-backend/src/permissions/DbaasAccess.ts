import type {
  BackstageCredentials,
  BackstageServicePrincipal,
  BackstageUserPrincipal,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  type Permission,
  type PolicyDecision,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import { dbaasPlatformReadPermission } from '@internal/backstage-plugin-dbaas-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import type { GrantStore } from '../database/GrantStore';
import type { ApiClients } from '../apiClients/ApiClients';
import type { AccessFilter } from './accessFilter';
import { dbaasRoleDecision } from './DbaasPermissionPolicy';
import {
  dbaasOrganizationResourceRef,
  dbaasServiceResourceRef,
  type AccessResource,
  type Grant,
} from './resources';

type Place = { organization: string; tenants: string[] };

/** How long a user's decision on a permission is used again; see decisionOf. */
const DECISION_MAX_AGE_MS = 10_000;
/** Decisions kept at most; the oldest go first. */
const MAX_DECISIONS = 10_000;

/**
 * The plugin's questions to the permission framework. Decisions come back
 * conditional; lists turn the conditions into a SQL filter, single resources are
 * checked here against the grants where they sit.
 */
export class DbaasAccess {
  private readonly decisions = new Map<
    string,
    { decision: Promise<PolicyDecision>; freshUntil: number }
  >();
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly apiClients?: Pick<ApiClients, 'isClient' | 'actingFor'>;
  private readonly platformAdmins: Set<string>;

  constructor(
    private readonly permissions: PermissionsService,
    private readonly registry: PermissionsRegistryService,
    private readonly grants: GrantStore,
    options?: {
      /** How long a user's decision is used again; 0 asks every time. */
      decisionMaxAgeMs?: number;
      now?: () => number;
      /** Scripts' clients, decided as the users they act for. */
      apiClients?: Pick<ApiClients, 'isClient' | 'actingFor'>;
      /** `dbaas.permissions.platformAdmins`, for API clients' owners. */
      platformAdmins?: string[];
    },
  ) {
    this.maxAgeMs = options?.decisionMaxAgeMs ?? DECISION_MAX_AGE_MS;
    this.now = options?.now ?? Date.now;
    this.apiClients = options?.apiClients;
    this.platformAdmins = new Set(
      (options?.platformAdmins ?? []).map(ref => ref.toLowerCase()),
    );
  }

  /**
   * The filter a list of databases gets; `undefined` lets everything through.
   * Throws NotAllowedError when the caller may see no database at all.
   */
  async serviceFilter(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
  ): Promise<AccessFilter> {
    const decision = await this.decisionOf(permission, credentials);
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

  /**
   * Whether the caller may act on a database at each of these places: one
   * question to the permission framework and one read of the grants.
   */
  async canOnServices(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    places: Place[],
  ): Promise<boolean[]> {
    return this.decideEach(permission, credentials, places, 'service');
  }

  /** Whether the caller may act on an organization. */
  async canOnOrganization(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    place: Place,
  ): Promise<boolean> {
    return this.decide(permission, credentials, place, 'organization');
  }

  /**
   * Whether the caller may act on each of these organizations: one question
   * to the permission framework (its conditional decision is the same for
   * every organization) and one read of the grants, however many there are.
   */
  async canOnOrganizations(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    places: Place[],
  ): Promise<boolean[]> {
    return this.decideEach(permission, credentials, places, 'organization');
  }

  /**
   * Whether the caller may see the whole platform (`dbaas.platform.read`):
   * platform admins, and an API client a platform admin registered.
   */
  async canReadPlatform(credentials: BackstageCredentials): Promise<boolean> {
    const permission = dbaasPlatformReadPermission;
    const decision = this.apiClients?.isClient(credentials)
      ? await this.clientDecision(
          permission,
          (credentials.principal as BackstageServicePrincipal).subject,
        )
      : (
          await this.permissions.authorize([{ permission }], { credentials })
        )[0];
    return decision.result === AuthorizeResult.ALLOW;
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
    const [allowed] = await this.decideEach(
      permission,
      credentials,
      [place],
      kind,
    );
    return allowed;
  }

  private async decideEach(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
    places: Place[],
    kind: 'service' | 'organization',
  ): Promise<boolean[]> {
    const decision = await this.decisionOf(permission, credentials);
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return places.map(() => decision.result === AuthorizeResult.ALLOW);
    }
    const authorize = createConditionAuthorizer(
      this.registry.getPermissionRuleset(
        kind === 'service'
          ? dbaasServiceResourceRef
          : dbaasOrganizationResourceRef,
      ),
    );
    const scopesOf = (place: Place) => [place.organization, ...place.tenants];
    const grantsByScope = new Map<string, Grant[]>();
    for (const grant of await this.grants.grantsOn([
      ...new Set(places.flatMap(scopesOf)),
    ])) {
      grantsByScope.set(grant.scope, [
        ...(grantsByScope.get(grant.scope) ?? []),
        grant,
      ]);
    }
    return places.map(place =>
      authorize(decision, {
        ...place,
        grants: scopesOf(place).flatMap(
          scope => grantsByScope.get(scope) ?? [],
        ),
      }),
    );
  }

  /**
   * The policy's decision on the permission for the caller. For a user it is
   * asked once and used again for `decisionMaxAgeMs`, not asked on every
   * request: each ask is an HTTP round trip to the permission backend with a
   * token minted for it and verified there, most of what a list of databases
   * cost (bench/README.md). The decision depends only on who the user is: its
   * conditions name their principals and roles, and the grants those match
   * are read when the conditions are applied, so a grant or revocation counts
   * at once. A change of the user's groups counts within `decisionMaxAgeMs`,
   * as it reaches the tenant directory. Plugins' own credentials are decided
   * without a round trip and are not kept.
   */
  private decisionOf(
    permission: ResourcePermission,
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision> {
    const ask = async () => {
      const [decision] = await this.permissions.authorizeConditional(
        [{ permission }],
        { credentials },
      );
      return decision;
    };
    const principal = credentials.principal as
      | BackstageUserPrincipal
      | { type: string };
    if (this.apiClients?.isClient(credentials)) {
      return this.clientDecision(
        permission,
        (credentials.principal as BackstageServicePrincipal).subject,
      );
    }
    if (principal.type !== 'user' || this.maxAgeMs <= 0) {
      return ask();
    }
    const { userEntityRef, actor } = principal as BackstageUserPrincipal;
    const key = JSON.stringify([
      userEntityRef,
      actor?.subject,
      credentials.expiresAt?.getTime(),
      permission.name,
    ]);
    const now = this.now();
    const kept = this.decisions.get(key);
    if (kept && now <= kept.freshUntil) {
      return kept.decision;
    }
    const decision = ask();
    this.decisions.delete(key);
    this.decisions.set(key, { decision, freshUntil: now + this.maxAgeMs });
    for (const oldest of this.decisions.keys()) {
      if (this.decisions.size <= MAX_DECISIONS) {
        break;
      }
      this.decisions.delete(oldest);
    }
    // A failed ask is not kept: the next request asks again.
    decision.catch(() => {
      if (this.decisions.get(key)?.decision === decision) {
        this.decisions.delete(key);
      }
    });
    return decision;
  }

  /**
   * An API client's decision: its owner's, as the policy decides for users
   * (dbaasRoleDecision), made here because the permission framework knows no
   * user behind a service token and would trust it as a plugin. A client that
   * is not registered, or whose owner is gone, may do nothing.
   */
  private async clientDecision(
    permission: Permission,
    subject: string,
  ): Promise<PolicyDecision> {
    const actingFor = await this.apiClients!.actingFor(subject);
    if (!actingFor) {
      return { result: AuthorizeResult.DENY };
    }
    return dbaasRoleDecision(
      permission,
      actingFor.principals,
      actingFor.principals.some(ref => this.platformAdmins.has(ref)),
    );
  }
}
