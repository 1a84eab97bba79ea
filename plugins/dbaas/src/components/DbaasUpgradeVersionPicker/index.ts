export { DbaasUpgradeVersionPicker } from './DbaasUpgradeVersionPicker';
export { dbaasUpgradeVersionPickerFormField } from './dbaasUpgradeVersionPickerFormField';
export { DbaasUpgradeVersionPickerFieldSchema } from './schema';
