import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { serviceClaimCrd } from './serviceClaimCrd';

// The chart ships the CRD as a file; this test keeps that file generated from the
// schema. `yarn generate:crds` (DBAAS_WRITE_CRDS=1) rewrites it after a schema change.
const crdFile = path.resolve(
  __dirname,
  '../../../../charts/serviceclaim-operator/crds/serviceclaims.dbaas.io.yaml',
);
const header =
  '# Generated from plugins/dbaas-common (serviceClaimCrd); edit the schema, then run\n' +
  '# `yarn workspace @internal/backstage-plugin-dbaas-common generate:crds`.\n';

describe('serviceClaimCrd', () => {
  const rendered =
    header + yaml.dump(serviceClaimCrd(), { lineWidth: 100, noRefs: true });

  it('is what the chart ships', () => {
    if (process.env.DBAAS_WRITE_CRDS) {
      fs.mkdirSync(path.dirname(crdFile), { recursive: true });
      fs.writeFileSync(crdFile, rendered);
    }
    expect(fs.readFileSync(crdFile, 'utf8')).toBe(rendered);
  });

  it('turns the spec shape into a structural schema the apiserver accepts', () => {
    const spec = (
      serviceClaimCrd().spec.versions[0].schema.openAPIV3Schema
        .properties as any
    ).spec;
    expect(spec.required).toEqual(
      expect.arrayContaining([
        'engine',
        'version',
        'plan',
        'region',
        'storage',
      ]),
    );
    expect(spec.properties.engine.enum).toContain('scylla');
    expect(spec.properties.storage.properties.size.pattern).toBeDefined();
    expect(JSON.stringify(spec)).not.toMatch(
      /"additionalProperties":false|\$schema|propertyNames/,
    );
  });
});
