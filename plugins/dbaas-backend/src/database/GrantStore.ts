import { ConflictError } from '@backstage/errors';
import type {
  DbaasRole,
  RoleGrant,
} from '@internal/backstage-plugin-dbaas-common';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { migratedClient } from './migrations';
import type { Grant } from '../permissions/resources';
import { toIso } from './serviceRows';
import type { InTransaction } from './ServiceStore';
import { whereAnyOf } from './whereAnyOf';

type RawGrantRow = {
  scope: string;
  organization: string;
  principal: string;
  role: DbaasRole;
  granted_by: string;
  granted_at: Date | string;
};

const noop = async () => {};

/**
 * Refuses a change that would leave the organization without an org-owner when
 * the principal is one of its owners: nobody but a platform admin could then
 * manage its owners or quotas. The owners' rows are locked first (PostgreSQL;
 * SQLite serialises writers itself), so two owners demoting each other at once
 * are checked one after the other and the second is refused.
 */
async function assertKeepsAnOwner(
  tx: Knex.Transaction,
  input: { organization: string; scope: string; principal: string },
  change: string,
): Promise<void> {
  if (input.scope !== input.organization) {
    return;
  }
  const query = tx<RawGrantRow>('role_grants')
    .where({
      organization: input.organization,
      scope: input.organization,
      role: 'org-owner',
    })
    .select('principal');
  const owners = await (tx.client.config.client === 'pg'
    ? query.forUpdate()
    : query);
  if (owners.length === 1 && owners[0].principal === input.principal) {
    throw new ConflictError(
      `${input.principal} is the last org-owner of ${input.organization}; ${change} would leave it without one, so make another principal org-owner first`,
    );
  }
}

/** Roles granted through the API, on an organization or one of its tenants. */
export class GrantStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<GrantStore> {
    return new GrantStore(await migratedClient(options.database));
  }

  private constructor(private readonly db: Knex) {}

  /** The grants on any of the scopes (organization and tenant refs). */
  async grantsOn(scopes: string[]): Promise<Grant[]> {
    // An organization's scopes are its tenants too, thousands of them.
    const rows = await whereAnyOf(
      this.db<RawGrantRow>('role_grants'),
      'scope',
      scopes,
    ).select('scope', 'principal', 'role');
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
      if (input.role !== 'org-owner') {
        await assertKeepsAnOwner(
          tx,
          input,
          `granting ${input.role} in place of org-owner`,
        );
      }
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
      await assertKeepsAnOwner(tx, input, 'revoking the role');
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
