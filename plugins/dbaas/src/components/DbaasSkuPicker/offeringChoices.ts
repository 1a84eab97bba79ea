import {
  formatMoney,
  type CatalogSku,
  type MonthlyPrice,
} from '@internal/backstage-plugin-dbaas-common';
import type { DbaasOffering } from './schema';

type Option = { value: string; label: string };

function unique(options: Option[]): Option[] {
  const seen = new Map<string, Option>();
  for (const option of options) {
    if (!seen.has(option.value)) seen.set(option.value, option);
  }
  return [...seen.values()];
}

/**
 * What may be chosen at each level given what is chosen above it: the engines
 * on offer, the plans of the engine, the regions those SKUs are stocked in and
 * the SKUs left. The SKUs list region ids only; `regionName` names them.
 */
export function offeringChoices(
  skus: CatalogSku[],
  value: DbaasOffering,
  regionName: (id: string) => string,
) {
  const ofEngine = skus.filter(s => s.engine === value.engine);
  const ofPlan = ofEngine.filter(s => s.plan === value.plan);
  const inRegion = ofPlan.filter(s =>
    (s.regions as string[]).includes(value.region ?? ''),
  );
  return {
    engines: unique(skus.map(s => ({ value: s.engine, label: s.engineName }))),
    plans: unique(ofEngine.map(s => ({ value: s.plan, label: s.planName }))),
    regions: unique(
      ofPlan.flatMap(s =>
        s.regions.map(r => ({ value: r, label: regionName(r) })),
      ),
    ),
    skus: inRegion.map(s => ({ value: s.id, label: s.displayName })),
  };
}

const LEVELS = ['engine', 'plan', 'region', 'sku'] as const;

// withChoice compares the choices' values only, never their labels.
const regionId = (id: string) => id;

/**
 * The value after choosing `choice` for `field`: the choices below it are kept
 * while still offered and dropped otherwise, and a SKU is picked when only one
 * is left, so that changing the engine never leaves a SKU of another engine.
 */
export function withChoice(
  skus: CatalogSku[],
  value: DbaasOffering,
  field: (typeof LEVELS)[number],
  choice: string,
): DbaasOffering {
  let next: DbaasOffering = { ...value, [field]: choice || undefined };
  for (const level of LEVELS.slice(LEVELS.indexOf(field) + 1)) {
    const offered = offeringChoices(skus, next, regionId)[`${level}s`];
    const kept = next[level];
    if (!offered.some(o => o.value === kept)) {
      next = { ...next, [level]: undefined };
    }
  }
  const left = offeringChoices(skus, next, regionId).skus;
  if (!next.sku && left.length === 1) {
    next = { ...next, sku: left[0].value };
  }
  // The price goes with the SKU chosen, so that the review step shows it.
  const price = skus.find(s => s.id === next.sku)?.monthlyPrice;
  next = {
    ...next,
    monthlyPrice: price ? offeringPriceText(price) : undefined,
  };
  return Object.fromEntries(
    Object.entries(next).filter(([, v]) => v !== undefined),
  );
}

/** A SKU's price as the offering carries it, e.g. `$156.00 a month at the SKU's default size`. */
export function offeringPriceText(price: MonthlyPrice): string {
  return `${formatMoney(
    price.total,
    price.currency,
  )} a month at the SKU's default size`;
}
