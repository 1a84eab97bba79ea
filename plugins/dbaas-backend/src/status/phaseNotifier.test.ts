import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { ReportOutcomes } from '../database/ServiceStore';
import { PHASE_TOPIC, phaseNotifier } from './phaseNotifier';

const service = {
  id: 'a3f1c7e2-0b4d-4c5e-9f6a-1b2c3d4e5f60',
  tenant: 'group:default/payments',
  name: 'ledger',
};
const outcomes = (phase?: ReportOutcomes['phase']): ReportOutcomes => ({
  service,
  engine: 'postgresql',
  backups: [],
  ...(phase ? { phase } : {}),
});

describe('phaseNotifier', () => {
  // A fake notification service, recording what would be sent.
  const setUp = () => {
    const send = jest.fn();
    const logger = mockServices.logger.mock();
    const notify = phaseNotifier({
      notifications: { send } as NotificationService,
      logger,
    });
    return { send, logger, notify };
  };

  it('tells the owning team when its database fails, and when it recovers, in one place', async () => {
    const { send, notify } = setUp();
    await notify(
      outcomes({ from: 'Active', to: 'Failed', detail: 'primary lost' }),
    );
    await notify(outcomes({ from: 'Failed', to: 'Active' }));
    expect(send.mock.calls.map(([n]) => n)).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'group:default/payments' },
        payload: {
          title: 'Database ledger failed',
          description:
            'The postgresql database ledger is Failed: primary lost. Its page shows what happened on its timeline.',
          link: '/catalog/default/resource/payments.ledger',
          severity: 'critical',
          topic: PHASE_TOPIC,
          scope: `${PHASE_TOPIC}:${service.id}`,
        },
      },
      {
        recipients: { type: 'entity', entityRef: 'group:default/payments' },
        payload: expect.objectContaining({
          title: 'Database ledger recovered',
          severity: 'normal',
          // The same scope: the recovery replaces the failure.
          scope: `${PHASE_TOPIC}:${service.id}`,
        }),
      },
    ]);
  });

  it('says nothing of the ordinary way of a database', async () => {
    const { send, notify } = setUp();
    await notify(outcomes());
    await notify(outcomes({ from: 'Pending', to: 'Provisioning' }));
    await notify(outcomes({ from: 'Provisioning', to: 'Active' }));
    await notify(outcomes({ from: 'Active', to: 'Provisioning' }));
    expect(send).not.toHaveBeenCalled();
  });

  it('logs a notification it could not send, and goes on', async () => {
    const { send, logger, notify } = setUp();
    send.mockRejectedValue(new Error('notifications backend down'));
    await expect(
      notify(outcomes({ from: 'Provisioning', to: 'Failed' })),
    ).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      'Could not tell group:default/payments that ledger is Failed',
      expect.objectContaining({ message: 'notifications backend down' }),
    );
  });
});
