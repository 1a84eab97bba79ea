import type { LoggerService } from '@backstage/backend-plugin-api';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { toError } from '@backstage/errors';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import { databaseEntityPath } from '@internal/backstage-plugin-dbaas-common';
import type { RestoreDrillRecord } from '../database/RestoreDrillStore';
import type { ServiceRecord } from '../database/ServiceStore';
import type { DrillReporter } from './RestoreDrills';

/**
 * Tells what a restore drill came to: as metrics (runs by outcome, RTO and
 * RPO by engine) and, when it failed, as a notification to the database's
 * team, linking its page. A failure to notify is logged, never the drill's.
 */
export class NotifyingDrillReporter implements DrillReporter {
  private readonly runs;
  private readonly rto;
  private readonly rpo;

  constructor(
    private readonly deps: {
      metrics: MetricsService;
      notifications?: NotificationService;
      logger: LoggerService;
    },
  ) {
    this.runs = deps.metrics.createCounter<{
      outcome: string;
      engine: string;
    }>('dbaas.restore_drill.runs', {
      description: 'Restore drills finished, by outcome and engine',
    });
    this.rto = deps.metrics.createHistogram<{ engine: string }>(
      'dbaas.restore_drill.rto',
      {
        description:
          'Recovery time of passed restore drills: start until the scratch database was ready',
        unit: 's',
      },
    );
    this.rpo = deps.metrics.createHistogram<{ engine: string }>(
      'dbaas.restore_drill.rpo',
      {
        description:
          'Recovery point of restore drills: the restored backup\u2019s age at the start',
        unit: 's',
      },
    );
  }

  async finished(
    source: ServiceRecord,
    drill: RestoreDrillRecord,
  ): Promise<void> {
    const engine = source.spec.engine;
    this.runs.add(1, { outcome: drill.status, engine });
    if (drill.status === 'passed' && drill.rtoSeconds !== undefined) {
      this.rto.record(drill.rtoSeconds, { engine });
    }
    if (drill.rpoSeconds !== undefined) {
      this.rpo.record(drill.rpoSeconds, { engine });
    }
    if (drill.status !== 'failed' || !this.deps.notifications) return;
    try {
      await this.deps.notifications.send({
        recipients: { type: 'entity', entityRef: source.tenant },
        payload: {
          title: `Restore drill of ${source.name} failed`,
          description: drill.message,
          link: databaseEntityPath(source.tenant, source.name, 'backups'),
          severity: 'high',
          topic: 'dbaas-restore-drill',
          scope: `dbaas-restore-drill:${drill.id}`,
        },
      });
    } catch (error) {
      this.deps.logger.warn(
        `Could not notify ${source.tenant} of the failed restore drill ${drill.id}`,
        toError(error),
      );
    }
  }
}
