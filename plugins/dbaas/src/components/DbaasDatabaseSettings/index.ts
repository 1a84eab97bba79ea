export { DbaasDatabaseSettings } from './DbaasDatabaseSettings';
export { dbaasDatabaseSettingsFormField } from './dbaasDatabaseSettingsFormField';
export { DbaasDatabaseSettingsFieldSchema } from './schema';
export { pickedEntityRef, usePickedDatabase } from './usePickedDatabase';
export { DatabaseSettingsTable } from './DatabaseSettingsTable';
