import {
  skuCatalog,
  specFromSku,
  type RegionId,
} from '@internal/backstage-plugin-dbaas-common';
import { claimFrom, contextFor } from '../../render/__testUtils__/skuClaims';
import { renderClaim } from '../../render/renderClaim';
import type { ClaimObject } from '../../render/types';
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
});
