import { z } from 'zod';
import { tenantRefSchema } from '../api/serviceRequests';

/**
 * The shares of its budget at which a tenant is told of its cost, in percent:
 * once when its committed monthly cost reaches each, again only after it fell
 * below.
 * @public
 */
export const BUDGET_THRESHOLDS = [80, 100] as const;

/** @public */
export type BudgetThreshold = (typeof BUDGET_THRESHOLDS)[number];

/**
 * The highest threshold a cost has reached of a budget, or 0 below them all.
 * @public
 */
export function budgetThresholdReached(
  cost: number,
  budget: number,
): BudgetThreshold | 0 {
  let reached: BudgetThreshold | 0 = 0;
  for (const threshold of BUDGET_THRESHOLDS) {
    if (cost * 100 >= budget * threshold) reached = threshold;
  }
  return reached;
}

/**
 * `PUT /organizations/{id}/budgets`: one tenant's monthly budget, in the
 * price list's currency; `null` removes it.
 * @public
 */
export const setBudgetRequestSchema = z
  .object({
    tenant: tenantRefSchema,
    monthlyBudget: z
      .number()
      .finite()
      .positive('must be an amount of money above zero')
      .max(1e12, 'must be at most 1000000000000')
      .nullable(),
  })
  .strict();

/** @public */
export type SetBudgetRequest = z.infer<typeof setBudgetRequestSchema>;

/**
 * A tenant's committed monthly cost (the price of its live databases as
 * ordered, not metered use) and its budget. @public
 */
export type TenantCost = {
  tenant: string;
  /** Absent when the platform has no prices; a database whose plan has no price adds nothing. */
  monthlyCost?: number;
  /** The tenant's monthly budget; absent when none is set. */
  monthlyBudget?: number;
  /** The highest share of the budget the tenant was told it reached (80, 100). */
  thresholdReached?: BudgetThreshold;
};

/**
 * `GET /organizations/{id}/budgets`: each tenant's cost and budget, in the
 * price list's currency (absent when no prices are configured).
 * @public
 */
export type OrganizationBudgets = {
  currency?: string;
  data: TenantCost[];
};
