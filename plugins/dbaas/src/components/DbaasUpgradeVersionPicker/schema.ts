import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/**
 * The DbaasUpgradeVersionPicker field: the version to upgrade the database
 * picked in another field of the form to, among the upgrades its engine
 * allows from its current version.
 * @public
 */
export const DbaasUpgradeVersionPickerFieldSchema = makeFieldSchema({
  output: z => z.string(),
  uiOptions: z =>
    z.object({
      databaseField: z
        .string()
        .optional()
        .describe(
          'The form field with the database\u2019s catalog entity (an entity picker); database by default',
        ),
    }),
});
