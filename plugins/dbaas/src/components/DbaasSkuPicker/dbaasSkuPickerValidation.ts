import type { CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import type { DbaasOffering } from './schema';

const NAMES = {
  engine: 'an engine',
  plan: 'a plan',
  region: 'a region',
  sku: 'a SKU',
};

/** The offering is complete: engine, plan, region and SKU are all chosen. */
export const dbaasSkuPickerValidation: CustomFieldValidator<DbaasOffering> = (
  value,
  validation,
) => {
  const missing = (Object.keys(NAMES) as (keyof typeof NAMES)[]).filter(
    key => !value?.[key],
  );
  if (missing.length > 0) {
    validation.addError(`Choose ${missing.map(key => NAMES[key]).join(', ')}`);
  }
};
