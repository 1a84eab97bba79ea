import {
  CLAIM_BACKUPS_REPORTED,
  serviceClaimStatusSchema,
  specFromSku,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimFrom } from '../render/__testUtils__/skuClaims';
import { BACKUP_ID_LABEL } from '../render/backup';
import { MANAGED_BY } from '../render/common';
import type { ClaimObject } from '../render/types';
import { claimBackups } from './claimBackups';
import type { ObservedResource } from './engineStatus';

function claimOn(skuId: string, name = 'orders'): ClaimObject {
  const sku = skuCatalog.skus.find(s => s.id === skuId)!;
  return claimFrom(name, specFromSku(skuCatalog, skuId, sku.regions[0]));
}

const ours = { 'app.kubernetes.io/managed-by': MANAGED_BY };

/** A CloudNativePG Backup as the apiserver lists it. */
function cnpgBackup(
  name: string,
  labels: Record<string, string>,
  status: Record<string, unknown> = {},
  created = '2026-03-01T00:00:00Z',
): ObservedResource {
  return {
    apiVersion: 'postgresql.cnpg.io/v1',
    kind: 'Backup',
    metadata: { name, labels, creationTimestamp: created },
    spec: { cluster: { name: 'orders' } },
    status,
  };
}

describe('claimBackups', () => {
  const claim = claimOn('pg-shared');

  it('reads CloudNativePG Backups of the claim by the cluster label and by its own labels', () => {
    expect(claimBackups.sources(claim)).toEqual([
      expect.objectContaining({
        kind: 'Backup',
        labelSelector: 'cnpg.io/cluster=orders',
      }),
      expect.objectContaining({
        kind: 'Backup',
        labelSelector: expect.stringContaining(
          'app.kubernetes.io/instance=orders',
        ),
      }),
    ]);
  });

  it('tells scheduled, requested and final backups apart, with their phase and times', () => {
    const reports = claimBackups.reports(claim, [
      cnpgBackup(
        'orders-backup-20260301020000',
        {
          'cnpg.io/cluster': 'orders',
          'cnpg.io/scheduled-backup': 'orders-backup',
        },
        {
          phase: 'completed',
          startedAt: '2026-03-01T02:00:01Z',
          stoppedAt: '2026-03-01T02:04:30Z',
        },
      ),
      cnpgBackup(
        'orders-manual-1',
        { ...ours, [BACKUP_ID_LABEL]: '5b0c3c5e-8f6f-4a54-9d59-1f1d51d1e001' },
        { phase: 'running', startedAt: '2026-03-01T03:00:00Z' },
      ),
      cnpgBackup('orders-final', ours, {
        phase: 'failed',
        startedAt: '2026-03-01T04:00:00Z',
        stoppedAt: '2026-03-01T04:00:09Z',
        error: 'barman-cloud-backup: no credentials',
      }),
      // A backup someone took by hand is not one the portal knows of.
      cnpgBackup('orders-by-hand', { 'cnpg.io/cluster': 'orders' }, {}),
    ]);
    expect(reports).toEqual([
      {
        name: 'orders-final',
        type: 'final',
        phase: 'failed',
        startedAt: '2026-03-01T04:00:00Z',
        message: 'barman-cloud-backup: no credentials',
      },
      {
        name: 'orders-manual-1',
        type: 'manual',
        backupId: '5b0c3c5e-8f6f-4a54-9d59-1f1d51d1e001',
        phase: 'running',
        startedAt: '2026-03-01T03:00:00Z',
      },
      {
        name: 'orders-backup-20260301020000',
        type: 'scheduled',
        phase: 'completed',
        startedAt: '2026-03-01T02:00:01Z',
        completedAt: '2026-03-01T02:04:30Z',
      },
    ]);
    expect(
      serviceClaimStatusSchema.safeParse({ backups: reports }).success,
    ).toBe(true);
  });

  it('reports a Backup CloudNativePG has not picked up as pending, placed by when it was made', () => {
    const reports = claimBackups.reports(claim, [
      cnpgBackup(
        'orders-backup-older',
        { 'cnpg.io/scheduled-backup': 'orders-backup' },
        { phase: 'completed', startedAt: '2026-03-01T01:00:00Z' },
      ),
      cnpgBackup(
        'orders-backup-new',
        { 'cnpg.io/scheduled-backup': 'orders-backup' },
        {},
        '2026-03-01T05:00:00Z',
      ),
    ]);
    expect(reports.map(r => [r.name, r.phase])).toEqual([
      ['orders-backup-new', 'pending'],
      ['orders-backup-older', 'completed'],
    ]);
  });

  it('keeps only the newest backups, each once', () => {
    const many = Array.from({ length: CLAIM_BACKUPS_REPORTED + 5 }, (_, i) =>
      cnpgBackup(
        `orders-backup-${String(i).padStart(2, '0')}`,
        { 'cnpg.io/scheduled-backup': 'orders-backup' },
        {
          phase: 'completed',
          startedAt: new Date(Date.UTC(2026, 2, 1, i)).toISOString(),
        },
      ),
    );
    // Listed twice: by the cluster label and by the operator's labels.
    const reports = claimBackups.reports(claim, [...many, ...many]);
    expect(reports).toHaveLength(CLAIM_BACKUPS_REPORTED);
    expect(reports[0].name).toBe(`orders-backup-${CLAIM_BACKUPS_REPORTED + 4}`);
    expect(new Set(reports.map(r => r.name)).size).toBe(reports.length);
  });

  it('reports nothing for engines whose operators keep no backup objects', () => {
    const dragonfly = claimOn('dfly-mem-16g');
    expect(claimBackups.sources(dragonfly)).toEqual([]);
    expect(
      claimBackups.reports(dragonfly, [
        cnpgBackup('orders-final', ours, { phase: 'completed' }),
      ]),
    ).toEqual([]);
  });

  it('reads a requested YugabyteDB Backup as running once YugabyteDB Anywhere has a task, never as completed', () => {
    const yugabyte = claimOn('yb-dedicated');
    const backupId = '3a0e8d2c-7b61-4f0e-9a55-0c4b9e2d1f77';
    const ybBackup = (status: Record<string, unknown>): ObservedResource => ({
      apiVersion: 'operator.yugabyte.io/v1alpha1',
      kind: 'Backup',
      metadata: {
        name: `orders-${backupId}`,
        labels: { ...ours, [BACKUP_ID_LABEL]: backupId },
      },
      status,
    });
    expect(claimBackups.reports(yugabyte, [ybBackup({})])).toEqual([
      {
        name: `orders-${backupId}`,
        type: 'manual',
        backupId,
        phase: 'pending',
        message: 'Waiting for YugabyteDB Anywhere to take it.',
      },
    ]);
    expect(
      claimBackups.reports(yugabyte, [
        ybBackup({ taskUUID: 'f00d', message: 'Backup task started' }),
      ]),
    ).toEqual([
      expect.objectContaining({
        phase: 'running',
        message:
          'YugabyteDB Anywhere task f00d: Backup task started. The YugabyteDB operator reports no completion; see the task in YugabyteDB Anywhere.',
      }),
    ]);
  });

  it("reads Aerospike's requested on-demand run as running once the operator has handed it over", () => {
    const aerospike = claimOn('aero-strong-3');
    const backupId = '3a0e8d2c-7b61-4f0e-9a55-0c4b9e2d1f77';
    const routine = (status: Record<string, unknown>): ObservedResource => ({
      apiVersion: 'asdb.aerospike.com/v1beta1',
      kind: 'AerospikeBackup',
      metadata: { name: 'orders-backup', labels: ours },
      spec: {
        onDemandBackups: [{ id: backupId, routineName: 'r-routine' }],
      },
      status,
    });
    expect(claimBackups.reports(aerospike, [routine({})])).toEqual([
      expect.objectContaining({
        name: `orders-backup/${backupId}`,
        type: 'manual',
        backupId,
        phase: 'pending',
      }),
    ]);
    expect(
      claimBackups.reports(aerospike, [
        routine({
          onDemandBackups: [{ id: backupId, routineName: 'r-routine' }],
        }),
      ]),
    ).toEqual([
      expect.objectContaining({
        phase: 'running',
        message: expect.stringContaining('reports no completion'),
      }),
    ]);
    // A routine without a request has nothing to report.
    expect(
      claimBackups.reports(aerospike, [
        { ...routine({}), spec: { backupService: { name: 'orders-backup' } } },
      ]),
    ).toEqual([]);
  });
});
