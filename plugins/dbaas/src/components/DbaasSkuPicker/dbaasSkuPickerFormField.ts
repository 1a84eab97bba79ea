import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { DbaasSkuPicker } from './DbaasSkuPicker';
import { dbaasSkuPickerValidation } from './dbaasSkuPickerValidation';
import { DbaasSkuPickerFieldSchema } from './schema';

/** The `DbaasSkuPicker` field of scaffolder templates (`ui:field: DbaasSkuPicker`). */
export const dbaasSkuPickerFormField = createFormField({
  name: 'DbaasSkuPicker',
  component: DbaasSkuPicker,
  validation: dbaasSkuPickerValidation,
  schema: DbaasSkuPickerFieldSchema,
});
