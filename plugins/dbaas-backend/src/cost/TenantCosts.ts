import type { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError, toError } from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  budgetThresholdReached,
  formatMoney,
  monthlyPrice,
  type OrganizationBudgets,
  type PriceList,
  type TenantCost,
} from '@internal/backstage-plugin-dbaas-common';
import type { Request } from 'express';
import type { AuditTrail } from '../audit/AuditTrail';
import type {
  TenantBudget,
  TenantBudgetStore,
} from '../database/TenantBudgetStore';
import type { ServiceStore } from '../database/ServiceStore';
import type { Caller } from '../router/requestContext';

/** The notifications' topic, for a user's notification settings. */
export const BUDGET_TOPIC = 'dbaas-budgets';

/**
 * Tenants' committed monthly costs (the price of their live databases as
 * ordered) against their budgets. After each change that commits (an order,
 * a scale, a resize, a deletion, a new budget) `check` tells the tenant's
 * team once when the cost reaches 80% and 100% of its budget, with an audit
 * event, and re-arms a threshold once the cost is below it again. A notice
 * the notifications backend refuses re-arms its threshold too: the next
 * change tries again. A budget only tells: orders above it are not refused.
 */
export class TenantCosts {
  constructor(
    private readonly deps: {
      services: ServiceStore;
      budgets: TenantBudgetStore;
      audit: AuditTrail;
      notifications: NotificationService;
      logger: LoggerService;
      /** Absent when no prices are configured: there is no cost then. */
      prices?: PriceList;
    },
  ) {}

  get prices(): PriceList | undefined {
    return this.deps.prices;
  }

  /** Each tenant's cost and budget, in the tenants' order. */
  async list(tenants: string[]): Promise<OrganizationBudgets> {
    const { prices } = this.deps;
    const [costs, budgets] = await Promise.all([
      this.costs(tenants),
      this.deps.budgets.list(tenants),
    ]);
    return {
      ...(prices ? { currency: prices.currency } : {}),
      data: tenants.map(tenant => {
        const budget = budgets.get(tenant);
        const cost = costs.get(tenant);
        const answer: TenantCost = { tenant };
        if (cost !== undefined) answer.monthlyCost = cost;
        if (budget?.monthlyBudget !== undefined) {
          answer.monthlyBudget = budget.monthlyBudget;
          if (budget.thresholdReached) {
            answer.thresholdReached = budget.thresholdReached;
          }
        }
        return answer;
      }),
    };
  }

  /**
   * Sets or removes a tenant's budget as the caller, audited as `budget.set`,
   * then checks the cost against it (a budget set below the cost tells).
   */
  async setBudget(
    asker: { req?: Request; caller: Caller },
    input: {
      tenant: string;
      organization: string;
      monthlyBudget: number | null;
    },
  ): Promise<TenantCost> {
    if (!this.deps.prices) {
      throw new InputError(
        'The platform has no prices (dbaas.pricing), so tenants have no cost to budget',
      );
    }
    await this.deps.audit.record<TenantBudget>(
      asker.req,
      asker.caller,
      {
        action: 'budget.set',
        tenant: input.tenant,
        organization: input.organization,
        resourceType: 'budget',
        resourceId: input.tenant,
        details: () => ({
          monthlyBudget: input.monthlyBudget,
          currency: this.deps.prices!.currency,
        }),
      },
      recordAudit =>
        this.deps.budgets.set(
          {
            tenant: input.tenant,
            monthlyBudget: input.monthlyBudget,
            updatedBy: asker.caller.actor,
          },
          recordAudit,
        ),
    );
    await this.check(asker.caller, input);
    const { data } = await this.list([input.tenant]);
    return data[0];
  }

  /**
   * After a change of the tenant's databases or budget committed: tells the
   * tenant's team of a threshold its cost newly reached, or re-arms the ones
   * it fell below. Never throws: the change stands whatever happens here.
   */
  async check(
    caller: Caller,
    place: { tenant: string; organization: string },
  ): Promise<void> {
    const { prices, budgets, audit, logger } = this.deps;
    if (!prices) return;
    try {
      const budget = await budgets.get(place.tenant);
      const told = budget?.thresholdReached ?? 0;
      if (budget?.monthlyBudget === undefined) {
        if (told !== 0) await budgets.moveThreshold(place.tenant, told, 0);
        return;
      }
      const cost = (await this.costs([place.tenant])).get(place.tenant) ?? 0;
      const reached = budgetThresholdReached(cost, budget.monthlyBudget);
      if (reached === told) return;
      if (reached < told) {
        await budgets.moveThreshold(place.tenant, told, reached);
        return;
      }
      const details = {
        threshold: reached,
        monthlyCost: cost,
        monthlyBudget: budget.monthlyBudget,
        currency: prices.currency,
      };
      let moved = false;
      await audit.record<boolean>(
        undefined,
        caller,
        {
          action: 'budget.threshold',
          tenant: place.tenant,
          organization: place.organization,
          resourceType: 'budget',
          resourceId: place.tenant,
          details: () => details,
        },
        async recordAudit => {
          moved = await budgets.moveThreshold(place.tenant, told, reached, tx =>
            recordAudit(tx, true),
          );
          return moved;
        },
      );
      // Another change told it first.
      if (!moved) return;
      try {
        await this.tell(place.tenant, details);
      } catch (error) {
        // Nobody was told: the threshold goes back, so that the next change
        // of the tenant's databases or budget tells (and audits) it again.
        await budgets.moveThreshold(place.tenant, reached, told);
        throw error;
      }
    } catch (error) {
      logger.warn(
        `Could not check the cost of ${place.tenant} against its budget`,
        toError(error),
      );
    }
  }

  private async tell(
    tenant: string,
    details: {
      threshold: number;
      monthlyCost: number;
      monthlyBudget: number;
      currency: string;
    },
  ): Promise<void> {
    const money = (amount: number) => formatMoney(amount, details.currency);
    const team = parseEntityRef(tenant).name;
    await this.deps.notifications.send({
      recipients: { type: 'entity', entityRef: tenant },
      payload: {
        title:
          details.threshold >= 100
            ? `The databases of ${team} reached their monthly budget`
            : `The databases of ${team} cost ${details.threshold}% of their monthly budget`,
        description: `They cost, as ordered now, ${money(
          details.monthlyCost,
        )} a month, against a budget of ${money(
          details.monthlyBudget,
        )}. Orders are not refused; scale down or delete databases, or ask an organization owner to raise the budget.`,
        link: '/databases',
        severity: details.threshold >= 100 ? 'high' : 'normal',
        topic: BUDGET_TOPIC,
        // One entry per tenant in the inbox: 100% replaces 80%.
        scope: `${BUDGET_TOPIC}:${tenant}`,
      },
    });
  }

  /** The tenants' committed monthly costs; none without prices. */
  private async costs(tenants: string[]): Promise<Map<string, number>> {
    const { prices } = this.deps;
    const costs = new Map<string, number>();
    if (!prices) return costs;
    for (const tenant of tenants) costs.set(tenant, 0);
    for (const database of await this.deps.services.listCommitments(tenants)) {
      const price = monthlyPrice(prices, database);
      if (price) {
        costs.set(
          database.tenant,
          Math.round((costs.get(database.tenant)! + price.total) * 100) / 100,
        );
      }
    }
    return costs;
  }
}
