import type {
  DbaasRole,
  RoleGrant,
} from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import type { Grant } from '../permissions/resources';
import { toIso } from './serviceRows';
import type { InTransaction } from './ServiceStore';

type RawGrantRow = {
  scope: string;
  organization: string;
  principal: string;
  role: DbaasRole;
  granted_by: string;
  granted_at: Date | string;
};

const noop = async () => {};

/** Roles granted through the API, on an organization or one of its tenants. */
export class GrantStore {
  constructor(private readonly db: Knex) {}

  /** The grants on any of the scopes (organization and tenant refs). */
  async grantsOn(scopes: string[]): Promise<Grant[]> {
    const rows = await this.db<RawGrantRow>('role_grants')
      .whereIn('scope', scopes)
      .select('scope', 'principal', 'role');
    return rows;
  }

  async listForOrganization(organization: string): Promise<RoleGrant[]> {
    const rows = await this.db<RawGrantRow>('role_grants')
      .where({ organization })
      .orderBy(['scope', 'principal']);
    return rows.map(row => ({
      principal: row.principal,
      role: row.role,
      ...(row.scope !== organization ? { tenant: row.scope } : {}),
      source: 'grant' as const,
      grantedBy: row.granted_by,
      grantedAt: toIso(row.granted_at),
    }));
  }

  /** Grants the role, replacing the principal's earlier role on the same scope. */
  async grant(
    input: {
      organization: string;
      scope: string;
      principal: string;
      role: DbaasRole;
      grantedBy: string;
    },
    inTransaction: InTransaction<RoleGrant> = noop,
  ): Promise<RoleGrant> {
    return this.db.transaction(async tx => {
      const row: RawGrantRow = {
        scope: input.scope,
        organization: input.organization,
        principal: input.principal,
        role: input.role,
        granted_by: input.grantedBy,
        granted_at: new Date(),
      };
      await tx<RawGrantRow>('role_grants')
        .insert(row)
        .onConflict(['scope', 'principal'])
        .merge();
      const grant: RoleGrant = {
        principal: row.principal,
        role: row.role,
        ...(row.scope !== row.organization ? { tenant: row.scope } : {}),
        source: 'grant',
        grantedBy: row.granted_by,
        grantedAt: toIso(row.granted_at),
      };
      await inTransaction(tx, grant);
      return grant;
    });
  }

  /** Revokes the principal's role on the scope; false when there was none. */
  async revoke(
    input: { organization: string; scope: string; principal: string },
    inTransaction: InTransaction<number> = noop,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const removed = await tx<RawGrantRow>('role_grants')
        .where({
          organization: input.organization,
          scope: input.scope,
          principal: input.principal,
        })
        .delete();
      if (removed > 0) {
        await inTransaction(tx, removed);
      }
      return removed > 0;
    });
  }
}
