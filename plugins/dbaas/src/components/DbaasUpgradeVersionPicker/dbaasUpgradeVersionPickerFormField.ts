import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { DbaasUpgradeVersionPicker } from './DbaasUpgradeVersionPicker';
import { DbaasUpgradeVersionPickerFieldSchema } from './schema';

/** The `DbaasUpgradeVersionPicker` field of scaffolder templates (`ui:field: DbaasUpgradeVersionPicker`). */
export const dbaasUpgradeVersionPickerFormField = createFormField({
  name: 'DbaasUpgradeVersionPicker',
  component: DbaasUpgradeVersionPicker,
  schema: DbaasUpgradeVersionPickerFieldSchema,
});
