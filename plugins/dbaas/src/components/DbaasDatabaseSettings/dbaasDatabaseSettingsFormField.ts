import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { DbaasDatabaseSettings } from './DbaasDatabaseSettings';
import { DbaasDatabaseSettingsFieldSchema } from './schema';

/** The `DbaasDatabaseSettings` field of scaffolder templates (`ui:field: DbaasDatabaseSettings`). */
export const dbaasDatabaseSettingsFormField = createFormField({
  name: 'DbaasDatabaseSettings',
  component: DbaasDatabaseSettings,
  schema: DbaasDatabaseSettingsFieldSchema,
});
