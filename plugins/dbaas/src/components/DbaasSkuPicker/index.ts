export { DbaasSkuPicker } from './DbaasSkuPicker';
export { dbaasSkuPickerFormField } from './dbaasSkuPickerFormField';
export { dbaasSkuPickerValidation } from './dbaasSkuPickerValidation';
export { DbaasSkuPickerFieldSchema, type DbaasOffering } from './schema';
