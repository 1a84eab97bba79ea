import { renderTestApp } from '@backstage/frontend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder/alpha';
import { formFieldsApiRef } from '@backstage/plugin-scaffolder-react/alpha';
import { dbaasPlugin } from './plugin';

describe('dbaasPlugin', () => {
  it('gives the scaffolder the DbaasSkuPicker field and the day-2 templates\u2019 fields', async () => {
    const { apis } = renderTestApp({
      features: [scaffolderPlugin, dbaasPlugin],
    });

    const fields = await apis.get(formFieldsApiRef)!.loadFormFields();

    // The API hands out the fields' internal form, which carries the name
    // templates use in `ui:field`.
    expect(fields.map(field => (field as any).name)).toEqual(
      expect.arrayContaining([
        'DbaasSkuPicker',
        'DbaasDatabaseSettings',
        'DbaasUpgradeVersionPicker',
      ]),
    );
  });
});
