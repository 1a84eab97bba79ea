import {
  monthlyPriceOfSpec,
  type MonthlyPrice,
  type PriceList,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';

/**
 * A spec's monthly price as an answer's optional field: `{ monthlyPrice }`,
 * or nothing when there are no prices or the plan has none.
 */
export function priced(
  prices: PriceList | undefined,
  spec: ServiceClaimSpec,
): { monthlyPrice?: MonthlyPrice } {
  const monthlyPrice = prices && monthlyPriceOfSpec(prices, spec);
  return monthlyPrice ? { monthlyPrice } : {};
}
