import { z } from 'zod';

const binaryUnits: Record<string, number> = {
  Ki: 1 / (1024 * 1024),
  Mi: 1 / 1024,
  Gi: 1,
  Ti: 1024,
  Pi: 1024 * 1024,
};

/**
 * A Kubernetes binary quantity (`500Mi`, `100Gi`, `2Ti`) of memory or storage.
 * @public
 */
export const byteQuantitySchema = z
  .string()
  .regex(
    /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi)$/,
    // abort: the size check below needs a well-formed quantity.
    {
      message: 'must be a size with a binary unit, such as 512Mi, 100Gi or 2Ti',
      abort: true,
    },
  )
  .refine(quantity => toGi(quantity) > 0, 'must be more than 0');

/**
 * A Kubernetes CPU quantity: cores (`2`, `0.5`) or millicores (`500m`).
 * @public
 */
export const cpuQuantitySchema = z
  .string()
  .regex(/^([0-9]+m|[0-9]+(\.[0-9]+)?)$/, {
    message: 'must be a CPU amount such as 2, 0.5 or 500m',
    abort: true,
  })
  .refine(quantity => toCores(quantity) > 0, 'must be more than 0');

/** The size in GiB of a quantity that byteQuantitySchema accepted. @public */
export function toGi(quantity: string): number {
  const match = /^([0-9.]+)(Ki|Mi|Gi|Ti|Pi)$/.exec(quantity);
  if (!match) {
    throw new Error(`Not a byte quantity: ${quantity}`);
  }
  return Number(match[1]) * binaryUnits[match[2]];
}

/** The cores of a quantity that cpuQuantitySchema accepted (`500m` is 0.5). @public */
export function toCores(quantity: string): number {
  return quantity.endsWith('m')
    ? Number(quantity.slice(0, -1)) / 1000
    : Number(quantity);
}
