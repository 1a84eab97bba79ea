import yaml from 'js-yaml';
import { exampleSkuCatalog as skuCatalog } from '../testUtils';
import { serviceClaimCrd } from '../claim/serviceClaimCrd';
import { serviceClaimSpecSchema } from '../claim/serviceClaimSpecSchema';
import { specFromSku } from '../claim/specFromSku';
import {
  claimManifest,
  claimManifestYaml,
  type ClaimManifestInput,
} from './claimManifest';

const spec = specFromSku(skuCatalog, 'yb-dedicated', 'lagos');
const record: ClaimManifestInput = {
  id: '6f1c9a52-0d7e-4b8e-9f57-2a3c0e1d4b6a',
  tenant: 'group:default/payments',
  organization: 'group:default/acme',
  name: 'orders',
  generation: 3,
  spec,
};

// Kubernetes' rule for label values: at most 63 characters, alphanumerics at
// both ends, '-', '_' and '.' between.
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The same value with every object's keys in reverse order, as jsonb may return them. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reversedKeys(v)]),
  );
}

describe('claimManifest', () => {
  it('is a ServiceClaim the CRD defines, in the tenant namespace', () => {
    const crd = serviceClaimCrd();
    const manifest = claimManifest(record);

    expect(manifest.apiVersion).toBe(
      `${crd.spec.group}/${crd.spec.versions[0].name}`,
    );
    expect(manifest.kind).toBe(crd.spec.names.kind);
    expect(serviceClaimSpecSchema.safeParse(manifest.spec).success).toBe(true);
    expect(manifest.metadata).toEqual({
      name: 'orders',
      namespace: 'tenant-payments',
      labels: {
        'dbaas.io/service-id': record.id,
        'dbaas.io/service-name': 'orders',
        'dbaas.io/tenant': 'payments',
        'dbaas.io/engine': 'yugabyte',
        'app.kubernetes.io/managed-by': 'dbaas-portal',
      },
      annotations: {
        'dbaas.io/organization': 'group:default/acme',
        'dbaas.io/generation': '3',
      },
    });
  });

  it('names the latest requested backup for the operator, and nothing without one', () => {
    const backupId = '0b5d7e0e-6c1a-4f55-8d0e-3f9a4d2c7b11';
    expect(
      claimManifest({ ...record, backupRequest: backupId }).metadata
        .annotations,
    ).toEqual({
      'dbaas.io/organization': 'group:default/acme',
      'dbaas.io/generation': '3',
      'dbaas.io/backup-request': backupId,
    });
    expect(claimManifestYaml({ ...record, backupRequest: backupId })).toContain(
      `dbaas.io/backup-request: ${backupId}`,
    );
    expect(
      Object.keys(claimManifest(record).metadata.annotations),
    ).not.toContain('dbaas.io/backup-request');
  });

  it('has label values an apiserver accepts, whatever the tenant is called', () => {
    const manifest = claimManifest({
      ...record,
      tenant: 'group:data-platform/Core_Team.EU',
    });
    for (const value of Object.values(manifest.metadata.labels)) {
      expect(value.length).toBeLessThanOrEqual(63);
      expect(value).toMatch(labelValue);
    }
    expect(manifest.metadata.labels['dbaas.io/tenant']).toBe(
      manifest.metadata.namespace.slice('tenant-'.length),
    );
  });

  it('writes the same file however the stored spec orders its keys', () => {
    const text = claimManifestYaml(record);
    const reordered = claimManifestYaml({
      ...record,
      spec: reversedKeys(record.spec) as ClaimManifestInput['spec'],
    });

    expect(reordered).toBe(text);
    expect(Object.keys(claimManifest(record).spec).slice(0, 4)).toEqual([
      'sku',
      'engine',
      'version',
      'plan',
    ]);
  });

  it('is a YAML file that says who writes it and holds the manifest', () => {
    const text = claimManifestYaml(record);

    expect(text.split('\n')[0]).toMatch(/^# Written by the DBaaS portal/);
    expect(yaml.load(text)).toEqual(claimManifest(record));
  });
});
