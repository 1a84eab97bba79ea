import { loadCrds, repoRoot } from '@internal/test-services';
import yaml from 'js-yaml';
import fs from 'node:fs';
import path from 'node:path';

type CustomResource = { group: string; apiVersion: string; plural: string };

/**
 * The Kubernetes plugin asks every cluster for each configured custom resource
 * and shows an error for one the cluster does not serve, so a typo would put an
 * error on every database's Kubernetes tab.
 */
describe('kubernetes.customResources in app-config.yaml', () => {
  const config = yaml.load(
    fs.readFileSync(path.join(repoRoot, 'app-config.yaml'), 'utf8'),
  ) as { kubernetes: { customResources: CustomResource[] } };
  const served = new Set(
    loadCrds().flatMap(({ crd }) =>
      crd.spec.versions
        .filter(version => version.served)
        .map(
          version =>
            `${crd.spec.group}/${version.name}/${crd.spec.names.plural}`,
        ),
    ),
  );

  it.each(config.kubernetes.customResources)(
    'names a served version of a CRD the operator or an engine operator installs: $group/$apiVersion $plural',
    ({ group, apiVersion, plural }) => {
      expect(served).toContain(`${group}/${apiVersion}/${plural}`);
    },
  );

  it('lists the ServiceClaim and every engine operator\u2019s database kind', () => {
    expect(
      config.kubernetes.customResources.map(r => `${r.group}/${r.plural}`),
    ).toEqual(
      expect.arrayContaining([
        'dbaas.io/serviceclaims',
        'operator.yugabyte.io/ybuniverses',
        'planetscale.com/vitessclusters',
        'scylla.scylladb.com/scyllaclusters',
        'dragonflydb.io/dragonflies',
        'asdb.aerospike.com/aerospikeclusters',
        'psmdb.percona.com/perconaservermongodbs',
        'postgresql.cnpg.io/clusters',
      ]),
    );
  });
});
