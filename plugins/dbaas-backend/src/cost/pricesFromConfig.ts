import type { RootConfigService } from '@backstage/backend-plugin-api';
import {
  formatZodError,
  priceListSchema,
  type PriceList,
} from '@internal/backstage-plugin-dbaas-common';

/**
 * The price list of `dbaas.pricing`, or undefined when none is configured (no
 * price is shown anywhere then). A malformed one stops the start.
 */
export function pricesFromConfig(
  config: RootConfigService,
): PriceList | undefined {
  const raw = config.getOptional('dbaas.pricing');
  if (raw === undefined) return undefined;
  const result = priceListSchema.safeParse(raw);
  if (!result.success) {
    throw new Error(
      `Invalid config: dbaas.pricing ${formatZodError(result.error)}`,
    );
  }
  return result.data;
}
