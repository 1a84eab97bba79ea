import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  DBAAS_LABELS,
  serviceClaimSpecSchema,
  specFromSku,
  type RegionId,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimCases, claimFrom, contextFor } from './__testUtils__/skuClaims';
import { BACKUP_ANNOTATION } from './backup';
import { TOPOLOGY_ANNOTATION } from './common';
import { renderClaim, renderFinalBackup } from './renderClaim';
import type { RenderedResource } from './types';

const goldenDir = path.join(__dirname, '__golden__');
const WRITE = Boolean(process.env.DBAAS_WRITE_GOLDEN);

function goldenText(id: string, byPop: [string, RenderedResource[]][]) {
  const header =
    `# What a claim on ${id} renders, per PoP (src/render/renderClaim.test.ts).\n` +
    '# Regenerate after a deliberate change: DBAAS_WRITE_GOLDEN=1 CI=true yarn test src/render/renderClaim.test\n';
  return (
    header +
    byPop
      .map(
        ([pop, resources]) =>
          `# ---- rendered by the operator in ${pop} ----\n${
            resources.length
              ? resources
                  .map(
                    r =>
                      `---\n${yaml.dump(r, { lineWidth: 100, noRefs: true })}`,
                  )
                  .join('')
              : '# (nothing)\n'
          }`,
      )
      .join('')
  );
}

/** A SKU's default spec in a region, edited. */
function skuSpec(
  skuId: string,
  region: RegionId,
  edit: (spec: ServiceClaimSpec) => void = () => undefined,
): ServiceClaimSpec {
  const spec = specFromSku(skuCatalog, skuId, region);
  edit(spec);
  return spec;
}

function only(resources: RenderedResource[], kind: string): any {
  const found = resources.filter(r => r.kind === kind);
  expect(found).toHaveLength(1);
  return found[0];
}

/**
 * Cases the portal refuses today, by the reason it gives; their render is
 * that of a claim committed before the rule, which the operator still runs.
 */
const REFUSED: Record<string, RegExp> = {
  // claimRules: MongoDB runs in its primary region alone.
  'mongodb-global': /^MongoDB runs in one region/,
};

describe('renderClaim', () => {
  describe.each(claimCases().map(c => [c.id, c] as const))(
    '%s',
    (id, { spec, pops }) => {
      const claim = claimFrom(id, spec);
      const byPop = pops.map(
        pop =>
          [pop, renderClaim(claim, contextFor(pop))] as [
            string,
            RenderedResource[],
          ],
      );

      it('is a claim the portal would accept, or refuses with its reason', () => {
        const reasons = (REFUSED[id] ? [REFUSED[id]] : []).map(reason =>
          expect.stringMatching(reason),
        );
        expect(
          serviceClaimSpecSchema
            .safeParse(spec)
            .error?.issues.map(issue => issue.message) ?? [],
        ).toEqual(reasons);
      });

      it('renders what the golden file shows', () => {
        const file = path.join(goldenDir, `${id}.yaml`);
        const text = goldenText(id, byPop);
        if (WRITE) {
          fs.mkdirSync(goldenDir, { recursive: true });
          fs.writeFileSync(file, text);
        }
        const golden = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
        if (golden !== text) {
          throw new Error(
            `src/render/__golden__/${id}.yaml is stale or missing. If the change is deliberate, ` +
              'regenerate it with `DBAAS_WRITE_GOLDEN=1 CI=true yarn test src/render/renderClaim.test` and review the diff.',
          );
        }
        expect(golden).toBe(text);
      });

      it('owns, labels and places every resource in the claim namespace', () => {
        for (const [, resources] of byPop) {
          for (const resource of resources) {
            expect(resource.metadata.namespace).toBe('tenant-123');
            expect(resource.metadata.ownerReferences).toEqual([
              {
                apiVersion: 'dbaas.io/v1alpha1',
                kind: 'ServiceClaim',
                name: id,
                uid: claim.metadata.uid,
                controller: true,
                blockOwnerDeletion: true,
              },
            ]);
            expect(resource.metadata.labels).toMatchObject({
              [DBAAS_LABELS.serviceId]: `svc-${id}`,
              [DBAAS_LABELS.tenant]: '123',
              'app.kubernetes.io/instance': id,
              'app.kubernetes.io/managed-by': 'serviceclaim-operator',
            });
          }
        }
      });

      it('admits the claim CIDRs on client ports only, and renames the exporter series', () => {
        const [, resources] = byPop[0];
        const policies: any[] = resources.filter(
          r => r.kind === 'NetworkPolicy',
        );
        // (Other ipBlocks are the claim's other PoPs, on its peer ports.)
        const fromCidrs = policies
          .flatMap(policy => policy.spec.ingress)
          .find((rule: any) =>
            rule.from.some(
              (peer: any) => peer.ipBlock?.cidr === '10.20.0.0/16',
            ),
          );
        expect(fromCidrs.from).toEqual([{ ipBlock: { cidr: '10.20.0.0/16' } }]);
        expect(fromCidrs.ports.length).toBeGreaterThan(0);
        const endpoint = only(resources, 'PodMonitor').spec
          .podMetricsEndpoints[0];
        expect(
          endpoint.metricRelabelings.map((r: any) => r.replacement),
        ).toEqual(
          expect.arrayContaining(['dbaas_connections', 'dbaas_queries_total']),
        );
        expect(endpoint.relabelings).toContainEqual(
          expect.objectContaining({
            targetLabel: 'dbaas_io_service_id',
            replacement: `svc-${id}`,
          }),
        );
      });

      it('says on the engine resource how backups are wired', () => {
        const [, resources] = byPop[0];
        const wired = resources.filter(
          r => r.metadata.annotations?.[BACKUP_ANNOTATION],
        );
        // The primary PoP always has the engine resource.
        expect(wired).toHaveLength(1);
      });

      it('renders nothing in a PoP the claim does not run in', () => {
        const elsewhere = skuCatalog.regions
          .map(r => r.id)
          .find(r => !spec.replication.regions.includes(r))!;
        expect(renderClaim(claim, contextFor(elsewhere))).toEqual([]);
      });

      it('names credentials but never holds one', () => {
        for (const [, resources] of byPop) {
          expect(resources.map(r => r.kind)).not.toContain('Secret');
          expect(JSON.stringify(resources)).not.toMatch(
            /"(password|ysqlPassword)"\s*:\s*"/i,
          );
        }
      });
    },
  );

  it('spreads a clustered PostgreSQL over zones and keeps a shared one on the shared pool', () => {
    const cluster = (id: string) =>
      only(
        renderClaim(claimFrom(id, skuSpec(id, 'lagos')), contextFor('lagos')),
        'Cluster',
      ).spec;
    expect(cluster('pg-clustered').topologySpreadConstraints).toEqual([
      expect.objectContaining({
        topologyKey: 'topology.kubernetes.io/zone',
        whenUnsatisfiable: 'DoNotSchedule',
      }),
    ]);
    expect(cluster('pg-shared').topologySpreadConstraints).toBeUndefined();
    expect(cluster('pg-shared').affinity).toMatchObject({
      nodeSelector: { 'dbaas.io/node-pool': 'shared' },
    });
    expect(cluster('pg-ha').affinity).toMatchObject({
      nodeSelector: { 'dbaas.io/node-pool': 'dedicated' },
    });
  });

  it("starts a second PostgreSQL region only once the primary's first backup is committed", () => {
    const claim = claimFrom(
      'pg-ha',
      skuSpec('pg-ha', 'lagos', spec => {
        spec.replication.regions = ['lagos', 'frankfurt'];
      }),
    );
    delete claim.metadata.annotations!['dbaas.io/primary-backup'];
    // The primary is made at once; the replica region waits, with its
    // policy and monitor in place, rather than recover from an empty archive.
    expect(renderClaim(claim, contextFor('lagos')).map(r => r.kind)).toContain(
      'Cluster',
    );
    expect(
      renderClaim(claim, contextFor('frankfurt')).map(r => r.kind),
    ).toEqual(['NetworkPolicy', 'PodMonitor']);
  });

  it('gives a second PostgreSQL region a replica cluster fed from the primary archive', () => {
    const claim = claimFrom(
      'pg-ha',
      skuSpec('pg-ha', 'lagos', spec => {
        spec.replication.regions = ['lagos', 'frankfurt'];
      }),
    );
    const primary = renderClaim(claim, contextFor('lagos'));
    const replica = renderClaim(claim, contextFor('frankfurt'));
    expect(only(primary, 'Cluster').spec.instances).toBe(2);
    const cluster = only(replica, 'Cluster').spec;
    expect(cluster.instances).toBe(1);
    expect(cluster.replica).toEqual({ enabled: true, source: 'origin' });
    // Through the Barman Cloud plugin: the primary's server in the claim's store,
    // and the replica's own WAL under its own server name.
    expect(cluster.externalClusters[0].plugin).toEqual({
      name: 'barman-cloud.cloudnative-pg.io',
      parameters: {
        barmanObjectName: 'pg-ha-store',
        serverName: 'pg-ha-lagos',
      },
    });
    expect(cluster.plugins[0].parameters.serverName).toBe('pg-ha-frankfurt');
    expect(only(replica, 'ObjectStore').spec.configuration).toMatchObject({
      destinationPath: 's3://dbaas-backups/tenant-123/pg-ha-svc-pg-ha',
    });
    expect(replica.map(r => r.kind)).not.toContain('ScheduledBackup');
    expect(
      only(replica, 'Cluster').metadata.annotations[BACKUP_ANNOTATION],
    ).toBe('primary-region');
  });

  it('gives each datacenter of a global ScyllaDB its share of members, seeded from the others', () => {
    const claim = claimFrom('scy-ring-9', skuSpec('scy-ring-9', 'lagos'));
    const [frankfurt] = renderClaim(claim, contextFor('frankfurt'));
    const spec = frankfurt.spec as any;
    expect(spec.datacenter.name).toBe('frankfurt');
    expect(spec.datacenter.racks.map((r: any) => r.members)).toEqual([1, 1, 1]);
    expect(spec.externalSeeds).toEqual([
      'scy-ring-9-lagos-r1-0.tenant-123.svc.lagos.dbaas.internal',
      'scy-ring-9-johannesburg-r1-0.tenant-123.svc.johannesburg.dbaas.internal',
    ]);
    expect(spec.backups).toBeUndefined();
    expect(frankfurt.metadata.annotations?.[TOPOLOGY_ANNOTATION]).toMatch(
      /Datacenter frankfurt/,
    );
  });

  it('opens Vitess to the claim networks at vtgate only, never at a tablet’s mysqld', () => {
    const claim = claimFrom(
      'vt-dedicated',
      skuSpec('vt-dedicated', 'lagos', spec => {
        spec.networking = {
          tls: { enabled: true },
          ...spec.networking,
          allowedCIDRs: ['10.20.0.0/16'],
        };
      }),
    );
    const policies: any[] = renderClaim(claim, contextFor('lagos')).filter(
      r => r.kind === 'NetworkPolicy',
    );
    const fromNetworks = policies.filter(policy =>
      policy.spec.ingress.some((rule: any) =>
        rule.from.some((peer: any) => peer.ipBlock),
      ),
    );
    expect(fromNetworks).toHaveLength(1);
    expect(fromNetworks[0].spec.podSelector.matchLabels).toEqual({
      'planetscale.com/cluster': 'vt-dedicated',
      'planetscale.com/component': 'vtgate',
    });
    expect(fromNetworks[0].spec.ingress).toEqual([
      {
        from: [{ ipBlock: { cidr: '10.20.0.0/16' } }],
        ports: [{ protocol: 'TCP', port: 3306 }],
      },
    ]);
  });

  it('stretches a global YugabyteDB universe from its primary PoP only', () => {
    const claim = claimFrom('yb-global', skuSpec('yb-global', 'lagos'));
    const universe = only(
      renderClaim(claim, contextFor('lagos')),
      'YBUniverse',
    );
    expect(
      universe.spec.placementInfo.regions.map((r: { code: string }) => r.code),
    ).toEqual(['lagos', 'johannesburg', 'frankfurt']);
    const elsewhere = renderClaim(claim, contextFor('frankfurt'));
    expect(elsewhere.map(r => r.kind)).toEqual(['NetworkPolicy', 'PodMonitor']);
  });

  it('shards a sharded MongoDB claim: a replica set per shard behind mongos', () => {
    const [cluster] = renderClaim(
      claimFrom('mongo-flex-sharded', skuSpec('mongo-flex-sharded', 'lagos')),
      contextFor('lagos'),
    );
    const spec = cluster.spec as any;
    expect(cluster.kind).toBe('PerconaServerMongoDB');
    expect(
      spec.replsets.map((r: any) => [
        r.name,
        r.size,
        r.volumeSpec.persistentVolumeClaim.resources.requests.storage,
      ]),
    ).toEqual([
      ['rs0', 3, '500Gi'],
      ['rs1', 3, '500Gi'],
    ]);
    expect(spec.sharding).toMatchObject({
      enabled: true,
      configsvrReplSet: { size: 3 },
    });
    expect(spec.sharding.mongos.size).toBeGreaterThanOrEqual(2);
  });

  it('wires each destination scheme into the engine, or says it cannot', () => {
    const render = (id: string, destination: string) =>
      renderClaim(
        claimFrom(
          id,
          skuSpec(id, 'johannesburg', spec => {
            spec.backup.destination = destination;
          }),
        ),
        contextFor('johannesburg'),
      );
    expect(
      only(render('pg-ha', 'gs://bucket/pg'), 'ObjectStore').spec.configuration,
    ).toMatchObject({
      destinationPath: 'gs://bucket/pg/pg-ha-svc-pg-ha',
      googleCredentials: {
        applicationCredentials: {
          name: 'dbaas-backup-credentials',
          key: 'GCS_CREDENTIALS_JSON',
        },
      },
    });
    expect(
      only(render('pg-ha', 'azure://acct/backups/pg'), 'ObjectStore').spec
        .configuration.destinationPath,
    ).toBe('https://acct.blob.core.windows.net/backups/pg/pg-ha-svc-pg-ha');
    const vitess = only(
      render('vt-dedicated', 's3://b/p?region=eu-west-1'),
      'VitessCluster',
    );
    expect(vitess.spec.backup.locations[0].s3).toMatchObject({
      bucket: 'b',
      region: 'eu-west-1',
      keyPrefix: 'p/vt-dedicated-svc-vt-dedicated',
    });
    const dragonfly = only(
      render('dfly-mem-64g', 'gs://bucket/df'),
      'Dragonfly',
    );
    expect(dragonfly.metadata.annotations[BACKUP_ANNOTATION]).toBe(
      'not-supported',
    );
    expect(dragonfly.spec.snapshot.persistentVolumeClaimSpec).toBeDefined();
  });

  it('renders no backup resources without a destination, and says so', () => {
    const claim = claimFrom('pg-ha', skuSpec('pg-ha', 'lagos'));
    const resources = renderClaim(claim, {
      ...contextFor('lagos'),
      backupDestinationDefault: undefined,
    });
    expect(resources.map(r => r.kind)).not.toContain('ScheduledBackup');
    expect(
      only(resources, 'Cluster').metadata.annotations[BACKUP_ANNOTATION],
    ).toBe('no-destination');
  });

  it('asks for a final backup of a PostgreSQL primary only', () => {
    expect(
      renderFinalBackup(
        claimFrom('pg-ha', skuSpec('pg-ha', 'lagos')),
        contextFor('lagos'),
      ),
    ).toMatchObject({
      kind: 'Backup',
      metadata: { name: 'pg-ha-final' },
      spec: {
        cluster: { name: 'pg-ha' },
        method: 'plugin',
        pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      },
    });
    expect(
      renderFinalBackup(
        claimFrom('scy-ring-3', skuSpec('scy-ring-3', 'lagos')),
        contextFor('lagos'),
      ),
    ).toBeUndefined();
  });
});
