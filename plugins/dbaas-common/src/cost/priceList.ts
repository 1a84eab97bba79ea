import { z } from 'zod';
import { engineIdSchema, planIdSchema } from '../catalog/schema';

const amount = z
  .number()
  .finite()
  .min(0, 'must be an amount of money, zero or more');

// A plan or engine left out has no price of its own; unknown ids are refused.
const planPrices = z.partialRecord(planIdSchema, amount);

/**
 * The platform's prices (`dbaas.pricing`): a monthly base price per plan,
 * optionally per engine and plan, and monthly prices per unit of the
 * resources a database asks for. A database on a plan with no base price has
 * no price: nothing is made up.
 * @public
 */
export const priceListSchema = z
  .object({
    /** ISO 4217 code, e.g. USD. */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as USD'),
    /** Monthly base price of a database on each plan. */
    plans: planPrices,
    /** Base prices of one engine's plans, replacing the plan's. */
    engines: z.partialRecord(engineIdSchema, planPrices).optional(),
    /** Monthly prices per unit of the resources, on top of the base price. */
    units: z
      .object({
        /** Per CPU core, summed over every role's replicas. */
        cpuCore: amount,
        /** Per GiB of memory, summed over every role's replicas. */
        memoryGi: amount,
        /** Per GiB of storage of every data-holding replica. */
        storageGi: amount,
      })
      .strict(),
  })
  .strict();

/** @public */
export type PriceList = z.infer<typeof priceListSchema>;
