import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';

/**
 * The DbaasDatabaseSettings field: shows the current settings of the
 * database picked in another field of the form, and holds no value.
 * @public
 */
export const DbaasDatabaseSettingsFieldSchema = makeFieldSchema({
  output: z => z.undefined(),
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
