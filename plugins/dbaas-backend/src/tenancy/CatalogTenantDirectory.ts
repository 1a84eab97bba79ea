import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type GroupEntity,
} from '@backstage/catalog-model';
import { toError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Organization } from '@internal/backstage-plugin-dbaas-common';
import { RevalidatingCache } from './RevalidatingCache';
import type { TenantDirectory } from './TenantDirectory';

type Snapshot = Map<string, Organization>;

/** What the directory reads of a Group. */
const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.type',
  'spec.parent',
];

const refOf = (group: GroupEntity) => stringifyEntityRef(group).toLowerCase();
const isOrganization = (group: GroupEntity) =>
  group.spec.type === 'organization';
const parentOf = (group: GroupEntity) =>
  group.spec.parent
    ? stringifyEntityRef(
        parseEntityRef(group.spec.parent, {
          defaultKind: 'group',
          defaultNamespace: group.metadata.namespace ?? 'default',
        }),
      ).toLowerCase()
    : undefined;

/**
 * The organization above a group: the first ancestor of type organization.
 * Undefined for an organization itself, a group outside any, or a broken
 * hierarchy (guarded against cycles: it must not hang the API).
 */
function organizationAbove(
  group: GroupEntity | undefined,
  groupOf: (ref: string) => GroupEntity | undefined,
): string | undefined {
  if (!group || isOrganization(group)) {
    return undefined;
  }
  const seen = new Set<string>();
  let parent = parentOf(group);
  while (parent && !seen.has(parent)) {
    seen.add(parent);
    const next = groupOf(parent);
    if (next && isOrganization(next)) {
      return parent;
    }
    parent = next ? parentOf(next) : undefined;
  }
  return undefined;
}

// One collator for all comparisons: the same order as localeCompare, without
// building one per comparison (10,000 tenants sort in a few ms, not 100).
const { compare } = new Intl.Collator();

/** Walks the Group tree: every group below an organization is one of its tenants. */
function snapshotOf(groups: GroupEntity[]): Snapshot {
  const byRef = new Map(groups.map(group => [refOf(group), group]));
  const organizations: Snapshot = new Map();
  for (const [ref, group] of byRef) {
    if (isOrganization(group)) {
      organizations.set(ref, {
        id: ref,
        title: group.metadata.title ?? group.metadata.name,
        tenants: [],
      });
    }
  }
  for (const [ref, group] of byRef) {
    const organization = organizationAbove(group, parent => byRef.get(parent));
    if (organization) {
      organizations.get(organization)!.tenants.push({
        id: ref,
        title: group.metadata.title ?? group.metadata.name,
      });
    }
  }
  for (const organization of organizations.values()) {
    organization.tenants.sort((a, b) => compare(a.id, b.id));
  }
  return organizations;
}

/**
 * TenantDirectory on the software catalog's Groups, read with the plugin's own
 * credentials. Every API request needs it and the hierarchy changes rarely, so
 * answers are kept for `maxAgeMs` and then served stale while they are read
 * again behind the request (a failed read keeps the last good answer): no
 * request waits for the catalog except the first that needs an answer.
 *
 * A tenant's organization is looked up for that tenant alone (its group and
 * its ancestors, the lookups of concurrent requests batched), so creating a
 * database never reads the whole tree; the organizations with all their
 * tenants are one snapshot of every Group, needed only by the organization
 * routes.
 */
export class CatalogTenantDirectory implements TenantDirectory {
  private readonly tenants: RevalidatingCache<string | undefined>;
  private readonly snapshot: RevalidatingCache<Snapshot>;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      maxAgeMs?: number;
      now?: () => number;
      logger?: LoggerService;
    },
  ) {
    const common = {
      maxAgeMs: options.maxAgeMs ?? 10_000,
      now: options.now ?? Date.now,
    };
    const warn = (what: string) => (error: unknown) =>
      options.logger?.warn(
        `Could not read ${what} from the catalog; using the last read`,
        toError(error),
      );
    this.tenants = new RevalidatingCache({
      ...common,
      load: tenants => this.loadOrganizationsOf(tenants),
      onStaleError: warn('tenants'),
    });
    this.snapshot = new RevalidatingCache({
      ...common,
      load: async () => [await this.loadSnapshot()],
      onStaleError: warn('organizations'),
    });
  }

  async organizationOf(tenant: string): Promise<string | undefined> {
    return this.tenants.get(tenant.toLowerCase());
  }

  async getOrganization(ref: string): Promise<Organization | undefined> {
    return (await this.snapshot.get('')).get(ref.toLowerCase());
  }

  async listOrganizations(): Promise<Organization[]> {
    return [...(await this.snapshot.get('')).values()];
  }

  /** Reads the tenants' groups, then their parents level by level, each level in one request. */
  private async loadOrganizationsOf(
    tenants: string[],
  ): Promise<(string | undefined)[]> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const groups = new Map<string, GroupEntity | undefined>();
    let unread = tenants;
    while (unread.length > 0) {
      const { items } = await this.options.catalog.getEntitiesByRefs(
        { entityRefs: unread, fields: FIELDS, filter: { kind: 'Group' } },
        { credentials },
      );
      unread.forEach((ref, i) =>
        groups.set(ref, items[i] as GroupEntity | undefined),
      );
      const parents = new Set<string>();
      for (const group of items as (GroupEntity | undefined)[]) {
        const parent = group && !isOrganization(group) && parentOf(group);
        if (parent && !groups.has(parent)) {
          parents.add(parent);
        }
      }
      unread = [...parents];
    }
    return tenants.map(tenant =>
      organizationAbove(groups.get(tenant), ref => groups.get(ref)),
    );
  }

  private async loadSnapshot(): Promise<Snapshot> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { items } = await this.options.catalog.getEntities(
      { filter: { kind: 'Group' }, fields: FIELDS },
      { credentials },
    );
    return snapshotOf(items as GroupEntity[]);
  }
}
