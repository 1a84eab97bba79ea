import type { AuthService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type GroupEntity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { Organization } from '@internal/backstage-plugin-dbaas-common';
import type { TenantDirectory } from './TenantDirectory';

type Snapshot = {
  organizations: Map<string, Organization>;
  organizationOfTenant: Map<string, string>;
};

const refOf = (group: GroupEntity) => stringifyEntityRef(group).toLowerCase();

/** Walks the Group tree: every group below an organization is one of its tenants. */
function snapshotOf(groups: GroupEntity[]): Snapshot {
  const byRef = new Map(groups.map(group => [refOf(group), group]));
  const parentOf = (group: GroupEntity) =>
    group.spec.parent
      ? stringifyEntityRef(
          parseEntityRef(group.spec.parent, {
            defaultKind: 'group',
            defaultNamespace: group.metadata.namespace ?? 'default',
          }),
        ).toLowerCase()
      : undefined;
  const organizations = new Map<string, Organization>();
  for (const group of groups) {
    if (group.spec.type === 'organization') {
      organizations.set(refOf(group), {
        id: refOf(group),
        title: group.metadata.title ?? group.metadata.name,
        tenants: [],
      });
    }
  }
  const organizationOfTenant = new Map<string, string>();
  for (const group of groups) {
    if (group.spec.type === 'organization') {
      continue;
    }
    // Guarded against cycles: a broken hierarchy must not hang the API.
    const seen = new Set<string>();
    let parent = parentOf(group);
    while (parent && !organizations.has(parent) && !seen.has(parent)) {
      seen.add(parent);
      const next = byRef.get(parent);
      parent = next ? parentOf(next) : undefined;
    }
    if (parent && organizations.has(parent)) {
      organizationOfTenant.set(refOf(group), parent);
      organizations.get(parent)!.tenants.push({
        id: refOf(group),
        title: group.metadata.title ?? group.metadata.name,
      });
    }
  }
  for (const organization of organizations.values()) {
    organization.tenants.sort((a, b) => a.id.localeCompare(b.id));
  }
  return { organizations, organizationOfTenant };
}

/**
 * TenantDirectory on the software catalog's Groups, read with the plugin's own
 * credentials and kept for a short while: the hierarchy changes rarely and every
 * API request needs it.
 */
export class CatalogTenantDirectory implements TenantDirectory {
  private snapshot?: { at: number; value: Promise<Snapshot> };

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      maxAgeMs?: number;
      now?: () => number;
    },
  ) {}

  async organizationOf(tenant: string): Promise<string | undefined> {
    return (await this.current()).organizationOfTenant.get(
      tenant.toLowerCase(),
    );
  }

  async getOrganization(ref: string): Promise<Organization | undefined> {
    return (await this.current()).organizations.get(ref.toLowerCase());
  }

  async listOrganizations(): Promise<Organization[]> {
    return [...(await this.current()).organizations.values()];
  }

  private current(): Promise<Snapshot> {
    const now = (this.options.now ?? Date.now)();
    const maxAge = this.options.maxAgeMs ?? 10_000;
    if (!this.snapshot || now - this.snapshot.at > maxAge) {
      const value = this.load();
      this.snapshot = { at: now, value };
      // A failed read is not kept: the next request tries again.
      value.catch(() => {
        if (this.snapshot?.value === value) {
          this.snapshot = undefined;
        }
      });
    }
    return this.snapshot.value;
  }

  private async load(): Promise<Snapshot> {
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { items } = await this.options.catalog.getEntities(
      {
        filter: { kind: 'Group' },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'spec.type',
          'spec.parent',
        ],
      },
      { credentials },
    );
    return snapshotOf(items as GroupEntity[]);
  }
}
