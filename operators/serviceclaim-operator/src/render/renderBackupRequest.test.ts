import {
  specFromSku,
  type RegionId,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimFrom, contextFor } from './__testUtils__/skuClaims';
import { BACKUP_ID_LABEL } from './backup';
import { renderBackupRequest, renderClaim } from './renderClaim';

const BACKUP_ID = '3a0e8d2c-7b61-4f0e-9a55-0c4b9e2d1f77';
const AEROSPIKE_SKU = skuCatalog.skus.find(
  s => s.engine === 'aerospike' && s.regions.includes('frankfurt'),
)!.id;

function claimOn(
  skuId: string,
  region: RegionId,
  edit?: (spec: ServiceClaimSpec) => void,
) {
  const spec = specFromSku(skuCatalog, skuId, region);
  edit?.(spec);
  return claimFrom('orders', spec);
}

describe('renderBackupRequest', () => {
  it("makes a CloudNativePG Backup of the claim's cluster, labelled with the backup and owned by the claim", () => {
    const claim = claimOn('pg-shared', 'frankfurt');
    const plan = renderBackupRequest(claim, contextFor('frankfurt'), BACKUP_ID);
    expect(plan.kind).toBe('create');
    const resource = plan.kind === 'create' ? plan.resource : undefined;
    expect(resource).toMatchObject({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Backup',
      metadata: {
        name: `orders-${BACKUP_ID}`,
        namespace: claim.metadata.namespace,
        labels: { [BACKUP_ID_LABEL]: BACKUP_ID },
        ownerReferences: [{ uid: claim.metadata.uid, kind: 'ServiceClaim' }],
      },
      spec: {
        cluster: { name: 'orders' },
        method: 'plugin',
        pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' },
      },
    });
  });

  it("leaves the request to the claim's primary PoP", () => {
    const claim = claimOn('pg-shared', 'frankfurt', spec => {
      spec.replication.regions = ['frankfurt', 'lagos'];
    });
    expect(renderBackupRequest(claim, contextFor('lagos'), BACKUP_ID)).toEqual({
      kind: 'elsewhere',
    });
    expect(
      renderBackupRequest(claim, contextFor('singapore'), BACKUP_ID),
    ).toEqual({ kind: 'elsewhere' });
  });

  it('says why no backup can be taken: backups off, no destination, an engine without on-demand backups', () => {
    const off = claimOn('pg-shared', 'frankfurt', spec => {
      spec.backup.enabled = false;
    });
    expect(
      renderBackupRequest(off, contextFor('frankfurt'), BACKUP_ID),
    ).toEqual({
      kind: 'unavailable',
      reason: 'Backups are off for this database: turn them on to take one.',
    });

    const nowhere = claimOn('pg-shared', 'frankfurt');
    expect(
      renderBackupRequest(
        nowhere,
        { ...contextFor('frankfurt'), backupDestinationDefault: undefined },
        BACKUP_ID,
      ),
    ).toMatchObject({
      kind: 'unavailable',
      reason: expect.stringContaining('no backup destination'),
    });

    const dragonfly = claimOn('dfly-mem-16g', 'frankfurt', spec => {
      spec.backup.enabled = true;
    });
    expect(
      renderBackupRequest(dragonfly, contextFor('frankfurt'), BACKUP_ID),
    ).toEqual({
      kind: 'unavailable',
      reason:
        "DragonflyDB's Kubernetes operator has no on-demand backup resource, so no backup can be taken on request; its scheduled backups are not affected.",
    });
  });

  it("makes a YugabyteDB Backup to the schedule's storage config, and says when there is none", () => {
    const claim = claimOn('yb-dedicated', 'frankfurt', spec => {
      spec.backup = { ...spec.backup, enabled: true, schedule: '0 2 * * *' };
    });
    expect(
      renderBackupRequest(claim, contextFor('frankfurt'), BACKUP_ID),
    ).toMatchObject({
      kind: 'create',
      resource: {
        apiVersion: 'operator.yugabyte.io/v1alpha1',
        kind: 'Backup',
        metadata: { labels: { [BACKUP_ID_LABEL]: BACKUP_ID } },
        spec: {
          backupType: 'PGSQL_TABLE_TYPE',
          keyspace: 'yugabyte',
          storageConfig: 'orders-backup',
          universe: 'orders',
        },
      },
    });
    const unscheduled = claimOn('yb-dedicated', 'frankfurt', spec => {
      spec.backup = { ...spec.backup, enabled: true, schedule: undefined };
    });
    expect(
      renderBackupRequest(unscheduled, contextFor('frankfurt'), BACKUP_ID),
    ).toMatchObject({
      kind: 'unavailable',
      reason: expect.stringContaining('storage config'),
    });
  });

  it("asks Aerospike's backup routine for an on-demand run in the AerospikeBackup the claim renders", () => {
    const withRequest = (spec: ServiceClaimSpec) => {
      const claim = claimFrom('orders', spec);
      return {
        ...claim,
        metadata: {
          ...claim.metadata,
          annotations: {
            ...claim.metadata.annotations,
            'dbaas.io/backup-request': BACKUP_ID,
          },
        },
      };
    };
    const scheduled = specFromSku(skuCatalog, AEROSPIKE_SKU, 'frankfurt');
    scheduled.backup = {
      ...scheduled.backup,
      enabled: true,
      schedule: '0 2 * * *',
    };
    const claim = withRequest(scheduled);
    const ctx = contextFor('frankfurt');
    expect(renderBackupRequest(claim, ctx, BACKUP_ID)).toEqual({
      kind: 'rendered',
    });
    const routine = renderClaim(claim, ctx).find(
      r => r.kind === 'AerospikeBackup',
    );
    expect(routine?.spec?.onDemandBackups).toEqual([
      {
        id: BACKUP_ID,
        routineName: `${claim.metadata.namespace}-orders-backup-routine`,
      },
    ]);
    // Without a request, or with something that is not a backup id, none.
    const plain = renderClaim(claimFrom('orders', scheduled), ctx).find(
      r => r.kind === 'AerospikeBackup',
    );
    expect(plain?.spec).not.toHaveProperty('onDemandBackups');

    const unscheduled = {
      ...scheduled,
      backup: { ...scheduled.backup, schedule: undefined },
    };
    expect(
      renderBackupRequest(withRequest(unscheduled), ctx, BACKUP_ID),
    ).toMatchObject({
      kind: 'unavailable',
      reason: expect.stringContaining('backup routine'),
    });
  });
});
