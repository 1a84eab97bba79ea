import { serviceClaimCrd } from './serviceClaimCrd';

// The chart's copy of the CRD is checked by generatedFiles.test.ts.
describe('serviceClaimCrd', () => {
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
