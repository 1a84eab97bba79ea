import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { RestoreDrillRecord } from '../database/RestoreDrillStore';
import type { ServiceRecord } from '../database/ServiceStore';
import { NotifyingDrillReporter } from './DrillReporter';
import { recordingMetrics } from '../__testUtils__/recordingMetrics';

const source = {
  id: 'a3f1c7e2-0b4d-4c5e-9f6a-1b2c3d4e5f60',
  tenant: 'group:default/payments',
  name: 'ledger',
  spec: { engine: 'postgresql' },
} as ServiceRecord;

const drill = (over: Partial<RestoreDrillRecord>): RestoreDrillRecord => ({
  id: 'd1',
  serviceId: source.id,
  status: 'passed',
  startedAt: '2026-12-02T10:00:00.000Z',
  requestedBy: 'dbaas:restore-drills',
  ...over,
});

describe('NotifyingDrillReporter', () => {
  it('records the outcome, RTO and RPO, and notifies nobody of a pass', async () => {
    const { metrics, recorded } = recordingMetrics();
    const send = jest.fn();
    const reporter = new NotifyingDrillReporter({
      metrics,
      notifications: { send } as NotificationService,
      logger: mockServices.logger.mock(),
    });
    await reporter.finished(
      source,
      drill({ rtoSeconds: 95, rpoSeconds: 7200 }),
    );
    expect(recorded).toEqual([
      [
        'dbaas.restore_drill.runs',
        1,
        { outcome: 'passed', engine: 'postgresql' },
      ],
      ['dbaas.restore_drill.rto', 95, { engine: 'postgresql' }],
      ['dbaas.restore_drill.rpo', 7200, { engine: 'postgresql' }],
    ]);
    expect(send).not.toHaveBeenCalled();
  });

  it("notifies the database's team of a failure, linking its Backups tab", async () => {
    const { metrics } = recordingMetrics();
    const send = jest.fn().mockRejectedValueOnce(new Error('down'));
    const logger = mockServices.logger.mock();
    const reporter = new NotifyingDrillReporter({
      metrics,
      notifications: { send } as NotificationService,
      logger,
    });
    const failed = drill({ status: 'failed', message: 'No restorable backup' });
    await reporter.finished(source, failed);
    expect(send).toHaveBeenCalledWith({
      recipients: { type: 'entity', entityRef: 'group:default/payments' },
      payload: {
        title: 'Restore drill of ledger failed',
        description: 'No restorable backup',
        link: '/catalog/default/resource/payments.ledger/backups',
        severity: 'high',
        topic: 'dbaas-restore-drill',
        scope: 'dbaas-restore-drill:d1',
      },
    });
    // The notification service being down fails nothing: it is logged.
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not notify group:default/payments of the failed restore drill d1',
      expect.any(Error),
    );
  });
});
