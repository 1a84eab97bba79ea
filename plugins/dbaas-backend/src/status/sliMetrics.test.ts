import { ENGINE_IDS } from '@internal/backstage-plugin-dbaas-common';
import { sliMetrics } from './sliMetrics';
import { recordingMetrics } from '../__testUtils__/recordingMetrics';

describe('sliMetrics', () => {
  const service = { id: 'id', tenant: 'group:default/payments', name: 'x' };

  it('starts every engine’s counters at 0, so an alert sees the first failure', () => {
    const { metrics, recorded } = recordingMetrics();
    sliMetrics(metrics);
    expect(recorded).toHaveLength(ENGINE_IDS.length * 4);
    expect(recorded).toContainEqual([
      'dbaas.backups',
      0,
      { engine: 'aerospike', outcome: 'failed' },
    ]);
    expect(recorded.every(([, value]) => value === 0)).toBe(true);
  });

  it('counts a provisioning with its time, a failed one without, and each backup', () => {
    const { metrics, recorded } = recordingMetrics();
    const record = sliMetrics(metrics);
    recorded.length = 0;
    record({
      service,
      engine: 'postgresql',
      provisioned: { outcome: 'active', seconds: 95 },
      backups: ['completed', 'failed'],
    });
    record({
      service,
      engine: 'mongodb',
      provisioned: { outcome: 'failed', seconds: 30 },
      backups: [],
    });
    expect(recorded).toEqual([
      ['dbaas.provisioning', 1, { engine: 'postgresql', outcome: 'active' }],
      ['dbaas.provisioning.duration_seconds', 95, { engine: 'postgresql' }],
      ['dbaas.backups', 1, { engine: 'postgresql', outcome: 'completed' }],
      ['dbaas.backups', 1, { engine: 'postgresql', outcome: 'failed' }],
      ['dbaas.provisioning', 1, { engine: 'mongodb', outcome: 'failed' }],
    ]);
  });
});
