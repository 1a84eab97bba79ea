import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';

/**
 * The scaffolder fields of the day-2 templates, attached to the scaffolder
 * plugin's form fields as the `DbaasSkuPicker` is: `DbaasDatabaseSettings`
 * (the picked database's current settings) and `DbaasUpgradeVersionPicker`
 * (the versions it may be upgraded to). Each loads only when a template form
 * is opened.
 */
export const dbaasDay2FieldExtensions = [
  FormFieldBlueprint.make({
    name: 'database-settings',
    params: {
      field: () =>
        import('./components/DbaasDatabaseSettings').then(
          m => m.dbaasDatabaseSettingsFormField,
        ),
    },
  }),
  FormFieldBlueprint.make({
    name: 'upgrade-version-picker',
    params: {
      field: () =>
        import('./components/DbaasUpgradeVersionPicker').then(
          m => m.dbaasUpgradeVersionPickerFormField,
        ),
    },
  }),
];
