import {
  specFromSku,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimCases, claimFrom, contextFor } from '../__testUtils__/skuClaims';
import { RestoreSourceUnavailableError } from '../backup';
import { renderClaim } from '../renderClaim';
import type { ClaimObject, RenderedResource } from '../types';
import {
  BACKUP_STORAGE,
  PERCONA_CR_VERSION,
  dataReplsets,
  mongodb,
  pitrDate,
  systemUsersSecret,
} from './mongodb';

// The rules below are the Percona Operator for MongoDB's at v1.22.0
// (percona/percona-server-mongodb-operator 5856026fef87), read in
// pkg/apis/psmdb/v1/psmdb_defaults.go (CheckNSetDefaults), the restore's
// CheckFields (perconaservermongodbrestore_types.go) and pkg/naming. The real
// operator reconciles every render in mongodb.psmdb.test.ts.

const mongoCases = claimCases().filter(c => c.engine === 'mongodb');

function rendered(claim: ClaimObject): RenderedResource[] {
  return renderClaim(claim, contextFor(claim.spec.region));
}

function clusterOf(claim: ClaimObject) {
  const resource = rendered(claim).find(r => r.kind === 'PerconaServerMongoDB');
  if (!resource) throw new Error(`${claim.metadata.name}: no cluster`);
  return resource.spec as any;
}

describe.each(mongoCases.map(c => [c.id, c] as const))(
  'PerconaServerMongoDB of %s',
  (_id, c) => {
    const claim = claimFrom(c.id, c.spec);
    const spec = clusterOf(claim);
    const sharded = c.spec.topology?.mode === 'sharded';

    it('is written for the operator release it is tested on, with its image pinned', () => {
      expect(spec.crVersion).toBe(PERCONA_CR_VERSION);
      expect(spec.image).toMatch(
        /^percona\/percona-server-mongodb:\d+\.\d+\.\d+-\d+$/,
      );
      // No version service call can change the image under the claim.
      expect(spec.upgradeOptions.apply).toBe('disabled');
    });

    // CheckNSetDefaults: at least one replica set, a volume per replica set,
    // cluster name + replica set name at most 50 characters.
    it('gives every replica set a volume and a name the operator accepts (psmdb_defaults.go)', () => {
      const replsets = [
        ...spec.replsets,
        ...(spec.sharding.enabled ? [spec.sharding.configsvrReplSet] : []),
      ];
      expect(spec.replsets.length).toBeGreaterThan(0);
      for (const replset of replsets) {
        expect(
          replset.volumeSpec.persistentVolumeClaim.resources.requests.storage,
        ).toBeTruthy();
      }
      for (const replset of spec.replsets) {
        // A database name is at most 40 characters (serviceNameSchema).
        expect(`${'x'.repeat(40)}${replset.name}`.length).toBeLessThanOrEqual(
          50,
        );
      }
      expect(spec.replsets.map((r: any) => r.name)).toEqual(
        dataReplsets(claim),
      );
    });

    // ReplsetSpec.checkSafeDefaults: an odd size of at least three, unless
    // unsafeFlags.replsetSize; mongos at least two unless unsafeFlags.mongosSize;
    // TLS disabled only with unsafeFlags.tls.
    it('says so where it asks for what the operator deems unsafe (checkSafeDefaults)', () => {
      const unsafeSize = (n: number) => n < 2 || n % 2 === 0;
      const sizes = [
        ...spec.replsets.map((r: any) => r.size),
        ...(spec.sharding.enabled ? [spec.sharding.configsvrReplSet.size] : []),
      ];
      const routers = spec.sharding.enabled ? spec.sharding.mongos.size : 2;
      // Each flag where the operator wants it, and none where it does not.
      expect(spec.unsafeFlags).toEqual({
        ...(sizes.some(unsafeSize) ? { replsetSize: true } : {}),
        ...(routers < 2 ? { mongosSize: true } : {}),
        ...(spec.tls.mode === 'disabled' ? { tls: true } : {}),
      });
    });

    it('shards as the claim asks: mongos and config servers only when sharded', () => {
      expect(spec.sharding.enabled).toBe(sharded);
      expect(spec.replsets).toHaveLength(
        sharded ? c.spec.topology!.shards! : 1,
      );
      expect(spec.sharding.configsvrReplSet?.size).toBe(
        sharded ? 3 : undefined,
      );
      expect((spec.sharding.mongos?.size ?? 0) >= 2).toBe(sharded);
    });

    it('creates the tenant user from the claim credentials, in its own database', () => {
      expect(spec.users).toEqual([
        expect.objectContaining({
          name: 'app',
          db: 'app',
          passwordSecretRef: { name: `${c.id}-credentials`, key: 'password' },
        }),
      ]);
      expect(spec.secrets.users).toBe(systemUsersSecret(claim));
    });

    // CheckNSetDefaults: exactly one main storage; every task named.
    it('backs up to one main storage on the claim schedule, with the oplog for PITR', () => {
      if (!c.spec.backup.enabled) return;
      const storages = Object.entries(spec.backup.storages);
      expect(storages.filter(([, s]: any) => s.main)).toHaveLength(1);
      expect(spec.backup.tasks).toEqual([
        expect.objectContaining({
          name: 'daily',
          enabled: true,
          schedule: c.spec.backup.schedule,
          storageName: BACKUP_STORAGE,
          type: 'logical',
        }),
      ]);
      expect(spec.backup.pitr.enabled).toBe(true);
      expect(spec.backup.tasks[0].retention.count).toBeGreaterThan(0);
    });

    // pkg/naming/labels.go ClusterLabels, MongodLabels, MongosLabels.
    it('selects pods by the labels the operator gives them (naming/labels.go)', () => {
      expect(mongodb.podSelector(claim)).toEqual({
        'app.kubernetes.io/name': 'percona-server-mongodb',
        'app.kubernetes.io/instance': c.id,
      });
      expect(mongodb.clientPodSelector!(claim)).toEqual({
        ...mongodb.podSelector(claim),
        'app.kubernetes.io/component': sharded ? 'mongos' : 'mongod',
      });
    });

    it('runs the exporter beside every data member, as the cluster monitor user', () => {
      for (const replset of spec.replsets) {
        const [sidecar] = replset.sidecars;
        expect(sidecar.ports).toEqual([
          { name: 'metrics', containerPort: 9216 },
        ]);
        expect(
          sidecar.env.map((e: any) => e.valueFrom.secretKeyRef.key),
        ).toEqual([
          'MONGODB_CLUSTER_MONITOR_USER',
          'MONGODB_CLUSTER_MONITOR_PASSWORD',
        ]);
      }
    });
  },
);

describe('MongoDB backups and restores', () => {
  const spec = (edit: (s: ServiceClaimSpec) => void = () => undefined) => {
    const s = specFromSku(skuCatalog, 'mongo-flex-rs', 'lagos');
    edit(s);
    return s;
  };

  it('takes final and manual backups as PerconaServerMongoDBBackups of the cluster', () => {
    const claim = claimFrom('orders', spec());
    const ctx = contextFor('lagos');
    const final = mongodb.finalBackup!(claim, ctx)!;
    expect(final.kind).toBe('PerconaServerMongoDBBackup');
    expect(final.metadata.name).toBe('orders-final');
    expect(final.spec).toEqual({
      clusterName: 'orders',
      storageName: BACKUP_STORAGE,
      type: 'logical',
      compressionType: 'gzip',
    });
    const id = '0b4a1f52-5f8e-4c1e-9a43-0a4d9e1c2b3a';
    const plan = mongodb.backupRequest!(claim, ctx, id);
    expect(plan).toMatchObject({
      kind: 'create',
      resource: { metadata: { labels: { 'dbaas.io/backup-id': id } } },
    });
  });

  it('restores the tenant database alone from the source storage, to a point in time', () => {
    const claim = claimFrom(
      'orders-copy',
      spec(s => {
        s.restore = {
          source: 'orders',
          backup: '2026-12-03T02:00:21Z',
          pointInTime: '2026-12-03T04:15:30.250+01:00',
        };
      }),
    );
    const restore = rendered(claim).find(
      r => r.kind === 'PerconaServerMongoDBRestore',
    )!;
    const root = contextFor('lagos').backupDestinationDefault;
    expect(restore.metadata.name).toBe('orders-copy-restore');
    // perconaservermongodbrestore_types.go CheckFields: clusterName; a
    // backupSource with a destination in its storage's scheme and a storage.
    expect(restore.spec).toMatchObject({
      clusterName: 'orders-copy',
      backupSource: {
        type: 'logical',
        destination: `${root}/${claim.metadata.namespace}/orders/2026-12-03T02:00:21Z`,
      },
      selective: { namespaces: ['app.*'], withUsersAndRoles: false },
      pitr: { type: 'date', date: '2026-12-03 03:15:30' },
    });
    const source = (restore.spec as any).backupSource;
    expect(source.s3 ?? source.gcs ?? source.azure).toBeDefined();
    expect(pitrDate('2026-12-03T03:15:30Z')).toBe('2026-12-03 03:15:30');
  });

  it('restores under the source name from the deleted source folder, and refuses the one place of two claims without ids', () => {
    const claim = claimFrom(
      'orders',
      spec(s => {
        s.restore = {
          source: 'orders',
          sourceId: 'svc-old',
          backup: '2026-12-03T02:00:21Z',
        };
      }),
    );
    const restore = rendered(claim).find(
      r => r.kind === 'PerconaServerMongoDBRestore',
    )!;
    expect((restore.spec as any).backupSource.destination).toBe(
      `${contextFor('lagos').backupDestinationDefault}/${
        claim.metadata.namespace
      }/orders-svc-old/2026-12-03T02:00:21Z`,
    );
    const byHand = claimFrom(
      'orders',
      spec(s => {
        s.restore = { source: 'orders', backup: '2026-12-03T02:00:21Z' };
      }),
    );
    delete byHand.metadata.labels!['dbaas.io/service-id'];
    expect(() => rendered(byHand)).toThrow(RestoreSourceUnavailableError);
  });
});
