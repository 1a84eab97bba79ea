import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';

/**
 * The `DbaasSkuPicker` scaffolder field: attached to the scaffolder plugin's
 * form fields, so every template can use it. The component loads only when a
 * template form is opened.
 */
export const dbaasSkuPickerFieldExtension = FormFieldBlueprint.make({
  name: 'sku-picker',
  params: {
    field: () =>
      import('./components/DbaasSkuPicker').then(
        m => m.dbaasSkuPickerFormField,
      ),
  },
});
