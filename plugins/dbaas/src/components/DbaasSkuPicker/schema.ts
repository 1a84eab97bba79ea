import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/**
 * The value of the DbaasSkuPicker field, `{ engine, plan, region, sku }` and
 * the SKU's monthly price as text when the platform has prices, and
 * its options. `tenantField` names the form field holding the tenant whose
 * remaining quota is shown (`tenant` by default).
 * @public
 */
export const DbaasSkuPickerFieldSchema = makeFieldSchema({
  output: z =>
    z.object({
      engine: z.string().describe('The engine, e.g. postgresql'),
      plan: z.string().describe('The plan, e.g. dedicated'),
      region: z.string().describe('The primary region, e.g. lagos'),
      sku: z.string().describe('The SKU the database starts from'),
      monthlyPrice: z
        .string()
        .optional()
        .describe(
          "What the SKU's default size costs a month, for the review step; absent when the platform has no prices",
        ),
    }),
  uiOptions: z =>
    z.object({
      tenantField: z
        .string()
        .optional()
        .describe(
          'The form field with the tenant (a group reference) whose remaining quota to show; tenant by default',
        ),
    }),
});

/** @public */
export type DbaasOffering = Partial<typeof DbaasSkuPickerFieldSchema.TOutput>;
