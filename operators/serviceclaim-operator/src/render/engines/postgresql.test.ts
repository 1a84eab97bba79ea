import {
  runnableClaimSpecSchema,
  specFromSku,
  type RegionId,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimFrom, contextFor } from '../__testUtils__/skuClaims';
import { TOPOLOGY_ANNOTATION } from '../common';
import { renderClaim } from '../renderClaim';
import type { RenderContext, RenderedResource } from '../types';
import { RestoreSourceUnavailableError } from '../backup';
import { recoveryTargetTime } from './postgresql';

type Restore = NonNullable<ServiceClaimSpec['restore']>;

/** A claim on `sku` in lagos restoring `restore`, named `copy`. */
function restoredClaim(
  restore: Restore | undefined,
  edit: (spec: ServiceClaimSpec) => void = () => undefined,
  sku = 'pg-ha',
) {
  const spec = specFromSku(skuCatalog, sku, 'lagos');
  if (restore) spec.restore = restore;
  edit(spec);
  return claimFrom('copy', spec);
}

const byName = (resources: RenderedResource[], kind: string, name: string) =>
  resources.find(r => r.kind === kind && r.metadata.name === name) as any;

const BACKUP: Restore = { source: 'orders', backup: '20260301T060000' };

describe('PostgreSQL restores', () => {
  it("bootstraps the primary from the source's backup, stopped at its end", () => {
    const claim = restoredClaim(BACKUP);
    expect(runnableClaimSpecSchema.safeParse(claim.spec).success).toBe(true);
    const rendered = renderClaim(claim, contextFor('lagos'));
    const cluster = byName(rendered, 'Cluster', 'copy');
    expect(cluster.spec.bootstrap).toEqual({
      recovery: {
        source: 'restore-source',
        database: 'app',
        owner: 'app',
        recoveryTarget: { backupID: '20260301T060000', targetImmediate: true },
      },
    });
    // The source's archive, under the name it archived as in its primary
    // region (the restored database's).
    expect(cluster.spec.externalClusters).toEqual([
      {
        name: 'restore-source',
        plugin: {
          name: 'barman-cloud.cloudnative-pg.io',
          parameters: {
            barmanObjectName: 'copy-restore-source',
            serverName: 'orders-lagos',
          },
        },
      },
    ]);
    expect(cluster.spec.replica).toBeUndefined();
    // Its own archive as any claim's, under its own server name: the
    // source's stays untouched.
    expect(cluster.spec.plugins).toEqual([
      {
        name: 'barman-cloud.cloudnative-pg.io',
        isWALArchiver: true,
        parameters: {
          barmanObjectName: 'copy-store',
          serverName: 'copy-lagos',
        },
      },
    ]);
    expect(cluster.metadata.annotations[TOPOLOGY_ANNOTATION]).toBe(
      'Restored from backup 20260301T060000 of orders.',
    );

    // The source's destination as the source computes it (its folder under
    // the PoP default `<root>/<namespace>`: `<source>` for a source with no
    // id, `<source>-<id>` otherwise, below), with the credentials by convention and
    // no retention: the archive is the source's to prune.
    const source = byName(rendered, 'ObjectStore', 'copy-restore-source');
    expect(source.metadata.labels).toMatchObject({
      'app.kubernetes.io/instance': 'copy',
      'app.kubernetes.io/managed-by': 'serviceclaim-operator',
    });
    expect(source.spec).toEqual({
      configuration: {
        destinationPath: 's3://dbaas-backups/tenant-123/orders',
        s3Credentials: {
          accessKeyId: {
            name: 'dbaas-backup-credentials',
            key: 'AWS_ACCESS_KEY_ID',
          },
          secretAccessKey: {
            name: 'dbaas-backup-credentials',
            key: 'AWS_SECRET_ACCESS_KEY',
          },
        },
        wal: { compression: 'gzip' },
        data: { compression: 'gzip' },
      },
      instanceSidecarConfiguration: {
        resources: {
          requests: { cpu: '500m', memory: '512Mi' },
          limits: { cpu: '500m', memory: '512Mi' },
        },
      },
    });
    const own = byName(rendered, 'ObjectStore', 'copy-store');
    expect(own.spec.configuration.destinationPath).toBe(
      's3://dbaas-backups/tenant-123/copy-svc-copy',
    );
    expect(own.spec.retentionPolicy).toBe('14d');
    expect(rendered.map(r => r.kind)).toContain('ScheduledBackup');
  });

  it('replays to a point in time, given to CloudNativePG in UTC to the microsecond', () => {
    const rendered = renderClaim(
      restoredClaim({
        ...BACKUP,
        destination: 'gs://tenant-backups/orders',
        pointInTime: '2026-03-01T13:30:00.1234567+01:00',
      }),
      contextFor('lagos'),
    );
    const cluster = byName(rendered, 'Cluster', 'copy');
    expect(cluster.spec.bootstrap.recovery.recoveryTarget).toEqual({
      backupID: '20260301T060000',
      targetTime: '2026-03-01T12:30:00.123456Z',
    });
    expect(cluster.metadata.annotations[TOPOLOGY_ANNOTATION]).toBe(
      'Restored from backup 20260301T060000 of orders to 2026-03-01T12:30:00.123456Z.',
    );
    // The destination the source named, with that scheme's credentials.
    expect(
      byName(rendered, 'ObjectStore', 'copy-restore-source').spec.configuration,
    ).toMatchObject({
      destinationPath: 'gs://tenant-backups/orders/orders',
      googleCredentials: {
        applicationCredentials: {
          name: 'dbaas-backup-credentials',
          key: 'GCS_CREDENTIALS_JSON',
        },
      },
    });
  });

  it.each([
    ['2026-03-01T12:30:00Z', '2026-03-01T12:30:00Z'],
    ['2026-03-01T12:30:00.5Z', '2026-03-01T12:30:00.5Z'],
    ['2026-03-01T00:30:00-05:30', '2026-03-01T06:00:00Z'],
    ['2026-01-01T00:15:00.000001+01:00', '2025-12-31T23:15:00.000001Z'],
  ])('gives the point in time %s as %s', (pointInTime, targetTime) => {
    expect(recoveryTargetTime(pointInTime)).toBe(targetTime);
  });

  it('fails the render, saying why, when the source has no known destination', () => {
    const claim = restoredClaim(BACKUP);
    const ctx: RenderContext = {
      ...contextFor('lagos'),
      backupDestinationDefault: undefined,
    };
    expect(() => renderClaim(claim, ctx)).toThrow(
      RestoreSourceUnavailableError,
    );
    expect(() => renderClaim(claim, ctx)).toThrow(
      'Cannot restore from orders: its backup destination is unknown, as spec.restore.destination is unset and PoP lagos has no default backup destination',
    );
    // Backups off for the new database change nothing: the source's archive
    // is still unknown.
    expect(() =>
      renderClaim(
        restoredClaim(BACKUP, spec => {
          spec.backup = { enabled: false };
        }),
        ctx,
      ),
    ).toThrow(RestoreSourceUnavailableError);
    // With the source's destination it renders, even with no default here.
    const named = renderClaim(
      restoredClaim({ ...BACKUP, destination: 's3://tenant/orders' }),
      ctx,
    );
    expect(
      byName(named, 'ObjectStore', 'copy-restore-source').spec.configuration
        .destinationPath,
    ).toBe('s3://tenant/orders/orders');
    expect(byName(named, 'ObjectStore', 'copy-store')).toBeUndefined();
  });

  it('refuses a destination it cannot read, and a restore under the source’s own name', () => {
    expect(() =>
      renderClaim(
        restoredClaim({ ...BACKUP, destination: 'azure://account-only' }),
        contextFor('lagos'),
      ),
    ).toThrow(/spec\.restore\.destination\) is not one the operator can read/);
    // Under the source's own name (the source deleted since): each has its
    // own folder, by its id.
    const spec = specFromSku(skuCatalog, 'pg-ha', 'lagos');
    spec.restore = { ...BACKUP, source: 'copy', sourceId: 'svc-old' };
    const again = renderClaim(claimFrom('copy', spec), contextFor('lagos'));
    expect(
      byName(again, 'ObjectStore', 'copy-restore-source').spec.configuration
        .destinationPath,
    ).toBe('s3://dbaas-backups/tenant-123/copy-svc-old');
    expect(
      byName(again, 'ObjectStore', 'copy-store').spec.configuration
        .destinationPath,
    ).toBe('s3://dbaas-backups/tenant-123/copy-svc-copy');
    // Claims applied by hand, with no ids: the one place both would use.
    const byHand = claimFrom('copy', {
      ...spec,
      restore: { ...BACKUP, source: 'copy' },
    });
    delete byHand.metadata.labels!['dbaas.io/service-id'];
    expect(() => renderClaim(byHand, contextFor('lagos'))).toThrow(
      RestoreSourceUnavailableError,
    );
  });

  it('restores with backups off, reading the source archive through the plugin alone', () => {
    const rendered = renderClaim(
      restoredClaim(BACKUP, spec => {
        spec.backup = { enabled: false };
      }),
      contextFor('lagos'),
    );
    const cluster = byName(rendered, 'Cluster', 'copy');
    expect(cluster.spec.plugins).toBeUndefined();
    expect(cluster.spec.externalClusters[0].plugin.parameters).toEqual({
      barmanObjectName: 'copy-restore-source',
      serverName: 'orders-lagos',
    });
    expect(
      rendered.filter(r => r.kind === 'ObjectStore').map(r => r.metadata.name),
    ).toEqual(['copy-restore-source']);
  });

  it("leaves a restored claim's replica regions following the new primary, as for any claim", () => {
    const regions: RegionId[] = ['lagos', 'frankfurt'];
    const twoRegions = (spec: ServiceClaimSpec) => {
      spec.replication.regions = regions;
    };
    const restored = restoredClaim(
      { ...BACKUP, pointInTime: '2026-03-01T12:30:00Z' },
      twoRegions,
    );
    const plain = restoredClaim(undefined, twoRegions);
    const replica = renderClaim(restored, contextFor('frankfurt'));
    expect(replica).toEqual(renderClaim(plain, contextFor('frankfurt')));
    expect(byName(replica, 'Cluster', 'copy').spec.bootstrap).toEqual({
      recovery: { source: 'origin' },
    });
    // Even where the source's archive could not be found: only the primary
    // reads it.
    expect(
      renderClaim(restored, {
        ...contextFor('frankfurt'),
        backupDestinationDefault: undefined,
      }),
    ).toEqual([]);
    const primary = byName(
      renderClaim(restored, contextFor('lagos')),
      'Cluster',
      'copy',
    );
    expect(primary.metadata.annotations[TOPOLOGY_ANNOTATION]).toBe(
      'Restored from backup 20260301T060000 of orders to 2026-03-01T12:30:00Z. Primary cluster; replica clusters in frankfurt follow its WAL archive.',
    );
  });
});
