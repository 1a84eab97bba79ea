import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { BudgetThreshold } from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import { migratedClient } from './migrations';
import type { InTransaction } from './ServiceStore';
import { whereAnyOf } from './whereAnyOf';

/** A tenant's monthly budget and the share of it the tenant was last told. */
export type TenantBudget = {
  tenant: string;
  /** Absent when the tenant has no budget. */
  monthlyBudget?: number;
  /** 0, or the highest threshold (percent) the tenant was told it reached. */
  thresholdReached: BudgetThreshold | 0;
};

type RawBudgetRow = {
  tenant: string;
  monthly_budget: string | number | null;
  threshold_reached: number;
  updated_by: string;
  updated_at: Date | string;
};

const toBudget = (row: RawBudgetRow): TenantBudget => ({
  tenant: row.tenant,
  ...(row.monthly_budget === null
    ? {}
    : { monthlyBudget: Number(row.monthly_budget) }),
  thresholdReached: Number(
    row.threshold_reached,
  ) as TenantBudget['thresholdReached'],
});

/** Tenants' budgets (`tenant_budgets`); nothing else writes the table. */
export class TenantBudgetStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<TenantBudgetStore> {
    return new TenantBudgetStore(await migratedClient(options.database));
  }

  private constructor(private readonly db: Knex) {}

  /** The budgets of the tenants that have a row, by tenant. */
  async list(tenants: string[]): Promise<Map<string, TenantBudget>> {
    if (tenants.length === 0) return new Map();
    const rows: RawBudgetRow[] = await whereAnyOf(
      this.db<RawBudgetRow>('tenant_budgets'),
      'tenant',
      tenants,
    );
    return new Map(rows.map(row => [row.tenant, toBudget(row)]));
  }

  async get(tenant: string): Promise<TenantBudget | undefined> {
    return (await this.list([tenant])).get(tenant);
  }

  /**
   * Sets (or, with null, removes) a tenant's budget, running `inTransaction`
   * in the same transaction. The threshold told is kept: the next check
   * compares the cost with the new budget and tells or re-arms from there.
   */
  async set(
    input: { tenant: string; monthlyBudget: number | null; updatedBy: string },
    inTransaction?: InTransaction<TenantBudget>,
  ): Promise<TenantBudget> {
    return this.db.transaction(async tx => {
      await tx<RawBudgetRow>('tenant_budgets')
        .insert({
          tenant: input.tenant,
          monthly_budget: input.monthlyBudget,
          threshold_reached: 0,
          updated_by: input.updatedBy,
          updated_at: new Date(),
        })
        .onConflict('tenant')
        .merge(['monthly_budget', 'updated_by', 'updated_at']);
      const row = await tx<RawBudgetRow>('tenant_budgets')
        .where({ tenant: input.tenant })
        .first();
      const budget = toBudget(row!);
      await inTransaction?.(tx, budget);
      return budget;
    });
  }

  /**
   * Moves the tenant's threshold from `from` to `to` if it is still `from`,
   * running `inTransaction` in the same transaction; false when another
   * change moved it first, so that each crossing is told once however many
   * requests race to it.
   */
  async moveThreshold(
    tenant: string,
    from: TenantBudget['thresholdReached'],
    to: TenantBudget['thresholdReached'],
    inTransaction?: InTransaction<TenantBudget>,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const moved = await tx<RawBudgetRow>('tenant_budgets')
        .where({ tenant, threshold_reached: from })
        .update({ threshold_reached: to });
      if (moved !== 1) return false;
      const row = await tx<RawBudgetRow>('tenant_budgets')
        .where({ tenant })
        .first();
      await inTransaction?.(tx, toBudget(row!));
      return true;
    });
  }
}
