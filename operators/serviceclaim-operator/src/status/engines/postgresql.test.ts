import {
  specFromSku,
  type RegionId,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimFrom, contextFor } from '../../render/__testUtils__/skuClaims';
import { renderClaim } from '../../render/renderClaim';
import type { ClaimObject } from '../../render/types';
import { claimBackups } from '../claimBackups';
import { claimStatusFrom } from '../claimStatus';
import type { ObservedResource } from '../engineStatus';
import { postgresqlStatus } from './postgresql';

function claimIn(regions: RegionId[]): ClaimObject {
  const spec = specFromSku(skuCatalog, 'pg-ha', 'lagos');
  spec.replication.regions = regions;
  return claimFrom('pg-ha', spec);
}

/** The render in a PoP, with statuses by kind, as the operator reads it back. */
function observedIn(
  claim: ClaimObject,
  pop: string,
  statuses: Record<string, unknown>,
): ObservedResource[] {
  return renderClaim(claim, contextFor(pop)).map(resource => ({
    ...resource,
    ...(statuses[resource.kind] ? { status: statuses[resource.kind] } : {}),
  }));
}

const cluster = (observed: ObservedResource[]) =>
  observed.find(o => o.kind === 'Cluster')!;

const ARCHIVING = {
  phase: 'Cluster in healthy state',
  readyInstances: 3,
  conditions: [{ type: 'ContinuousArchiving', status: 'True' }],
};

// Backups through the Barman Cloud plugin (v0.14.0): CloudNativePG v1.30.0
// leaves Cluster.status.lastSuccessfulBackup unset for plugin backups
// (api/v1/cluster_types.go); the plugin records each server's recovery window
// in its ObjectStore (api/v1/objectstore_types.go, ServerRecoveryWindow).
describe('postgresqlStatus', () => {
  it("reads the last backup from this PoP's server in the claim's ObjectStore", () => {
    const claim = claimIn(['lagos']);
    const observed = observedIn(claim, 'lagos', {
      Cluster: ARCHIVING,
      ObjectStore: {
        serverRecoveryWindow: {
          // Another PoP's server of the same store says nothing about this one.
          'pg-ha-frankfurt': { lastFailedBackupTime: '2026-03-01T07:00:00Z' },
          'pg-ha-lagos': { lastSuccessfulBackupTime: '2026-03-01T06:00:00Z' },
        },
      },
    });
    expect(
      postgresqlStatus.backup!(cluster(observed), observed, claim),
    ).toEqual({
      status: 'True',
      reason: 'BackupSucceeded',
      message: 'WAL is archived; last backup at 2026-03-01T06:00:00Z.',
    });
  });

  it('fails when the last base backup failed after the last success', () => {
    const claim = claimIn(['lagos']);
    const observed = observedIn(claim, 'lagos', {
      Cluster: ARCHIVING,
      ObjectStore: {
        serverRecoveryWindow: {
          'pg-ha-lagos': {
            lastSuccessfulBackupTime: '2026-03-01T06:00:00Z',
            lastFailedBackupTime: '2026-03-01T12:00:00Z',
          },
        },
      },
    });
    expect(
      postgresqlStatus.backup!(cluster(observed), observed, claim),
    ).toMatchObject({ status: 'False', reason: 'LastBackupFailed' });
  });

  it('reports archiving alone until the first base backup', () => {
    const claim = claimIn(['lagos']);
    const observed = observedIn(claim, 'lagos', { Cluster: ARCHIVING });
    expect(
      postgresqlStatus.backup!(cluster(observed), observed, claim),
    ).toMatchObject({ status: 'True', reason: 'ArchivingWAL' });
  });

  it('gives a replica cluster a read endpoint, never its designated primary as a writer', () => {
    const claim = claimIn(['lagos', 'frankfurt']);
    const primary = cluster(observedIn(claim, 'lagos', {}));
    const replica = cluster(
      observedIn(claim, 'frankfurt', {
        Cluster: { writeService: 'pg-ha-rw', readService: 'pg-ha-r' },
      }),
    );
    expect(postgresqlStatus.connection(primary, claim)?.host).toBe(
      'pg-ha-rw.tenant-123.svc',
    );
    expect(postgresqlStatus.connection(replica, claim)).toEqual({
      host: 'pg-ha-r.tenant-123.svc',
      port: 5432,
      database: 'app',
      username: 'app',
    });
  });

  it("reports Barman's id of a completed backup, what a restore names", () => {
    const claim = claimIn(['lagos']);
    const backup = (
      name: string,
      status: Record<string, unknown>,
    ): ObservedResource => ({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Backup',
      metadata: {
        name,
        labels: {
          'cnpg.io/cluster': 'pg-ha',
          'cnpg.io/scheduled-backup': 'pg-ha-backup',
        },
        creationTimestamp: '2026-03-01T06:00:00Z',
      },
      status,
    });
    const reports = claimBackups.reports(claim, [
      backup('pg-ha-backup-1', {
        phase: 'completed',
        backupId: '20260301T060001',
        startedAt: '2026-03-01T06:00:01Z',
        stoppedAt: '2026-03-01T06:04:00Z',
      }),
      // Barman names a backup as it starts; only a completed one is restorable.
      backup('pg-ha-backup-2', {
        phase: 'running',
        backupId: '20260301T120001',
        startedAt: '2026-03-01T12:00:01Z',
      }),
      backup('pg-ha-backup-3', {
        phase: 'failed',
        backupId: '20260301T000001',
        error: 'no space left',
      }),
    ]);
    expect(
      Object.fromEntries(reports.map(r => [r.name, r.engineBackupId])),
    ).toEqual({
      'pg-ha-backup-1': '20260301T060001',
      'pg-ha-backup-2': undefined,
      'pg-ha-backup-3': undefined,
    });
  });

  describe('a restored claim', () => {
    const NOW = new Date('2026-03-01T12:00:00Z');
    const restored = (pointInTime?: string) => {
      const claim = claimIn(['lagos', 'frankfurt']);
      claim.spec.restore = {
        source: 'orders',
        backup: '20260301T060000',
        ...(pointInTime ? { pointInTime } : {}),
      };
      return claim;
    };
    const ready = (
      claim: ClaimObject,
      pop: string,
      status: Record<string, unknown>,
    ) => {
      const read = claimStatusFrom(
        claim,
        observedIn(claim, pop, { Cluster: status }),
        NOW,
      );
      return {
        phase: read.phase,
        ...read.conditions!.find(c => c.type === 'Ready'),
      };
    };
    const SETTING_UP = {
      phase: 'Setting up primary',
      phaseReason: 'Creating primary instance pg-ha-1',
      readyInstances: 0,
    };

    it('says it is restoring while CloudNativePG recovers the first primary', () => {
      expect(ready(restored(), 'lagos', SETTING_UP)).toMatchObject({
        phase: 'Provisioning',
        status: 'False',
        reason: 'Restoring',
        message:
          'Restoring from backup 20260301T060000 of orders: Setting up primary: Creating primary instance pg-ha-1 (0 of 2 instances ready)',
      });
      expect(
        ready(restored('2026-03-01T05:30:00+01:00'), 'lagos', SETTING_UP),
      ).toMatchObject({
        reason: 'Restoring',
        message: expect.stringMatching(
          /^Restoring from backup 20260301T060000 of orders to 2026-03-01T05:30:00\+01:00: /,
        ),
      });
    });

    it('reads as any claim once recovered, and in its replica regions', () => {
      expect(
        ready(restored(), 'lagos', {
          phase: 'Waiting for the instances to become active',
          readyInstances: 0,
        }),
      ).toMatchObject({ phase: 'Provisioning', reason: 'SettingUp' });
      expect(
        ready(restored(), 'lagos', {
          phase: 'Cluster in healthy state',
          readyInstances: 2,
        }),
      ).toMatchObject({ phase: 'Active', reason: 'ClusterHealthy' });
      // The replica cluster follows the new primary: nothing of its own is
      // restored.
      expect(ready(restored(), 'frankfurt', SETTING_UP)).toMatchObject({
        phase: 'Provisioning',
        reason: 'SettingUp',
      });
    });
  });
});
