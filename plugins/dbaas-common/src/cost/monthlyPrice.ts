import type { EngineId, PlanId } from '../catalog/schema';
import { claimFootprint, type ClaimFootprint } from '../claim/claimFootprint';
import type { ServiceClaimSpec } from '../claim/serviceClaimSpec';
import type { PriceList } from './priceList';

/**
 * What a database costs a month at the configured prices, and what makes up
 * the total; every amount is in `currency`, rounded to the cent.
 * @public
 */
export type MonthlyPrice = {
  currency: string;
  total: number;
  breakdown: {
    /** The plan's (or the engine and plan's) base price. */
    base: number;
    /** CPU cores × the price of a core. */
    cpu: number;
    /** GiB of memory × the price of a GiB. */
    memory: number;
    /** GiB of storage × the price of a GiB. */
    storage: number;
  };
};

const cents = (value: number) => Math.round(value * 100) / 100;

/**
 * The monthly price of a database of the engine and plan that asks for the
 * footprint's resources; undefined when the price list gives the plan no
 * base price. Resources are priced once per database, as the quota counts
 * them: a multi-region claim's regions share its resources.
 * @public
 */
export function monthlyPrice(
  prices: PriceList,
  database: {
    engine: EngineId;
    plan: PlanId;
    footprint: Pick<ClaimFootprint, 'cpu' | 'memoryGi' | 'storageGi'>;
  },
): MonthlyPrice | undefined {
  const base =
    prices.engines?.[database.engine]?.[database.plan] ??
    prices.plans[database.plan];
  if (base === undefined) return undefined;
  const breakdown = {
    base: cents(base),
    cpu: cents(database.footprint.cpu * prices.units.cpuCore),
    memory: cents(database.footprint.memoryGi * prices.units.memoryGi),
    storage: cents(database.footprint.storageGi * prices.units.storageGi),
  };
  return {
    currency: prices.currency,
    total: cents(
      breakdown.base + breakdown.cpu + breakdown.memory + breakdown.storage,
    ),
    breakdown,
  };
}

/** The monthly price of a claim's spec (monthlyPrice of its footprint). @public */
export function monthlyPriceOfSpec(
  prices: PriceList,
  spec: ServiceClaimSpec,
): MonthlyPrice | undefined {
  return monthlyPrice(prices, {
    engine: spec.engine,
    plan: spec.plan,
    footprint: claimFootprint(spec),
  });
}

/** An amount as people read it, e.g. `$1,140.00` or `€95.50`. @public */
export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency,
  }).format(amount);
}
