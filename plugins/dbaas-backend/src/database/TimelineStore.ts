import type { TimelineStep } from '@internal/backstage-plugin-dbaas-common';
import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import { migratedClient } from './migrations';
import { toIso } from './serviceRows';

type RawTimelineRow = {
  seq?: number | string;
  service_id: string;
  step: TimelineStep['step'];
  generation: number;
  cluster: string | null;
  detail: string | null;
  at: Date | string | number;
};

const toStep = (row: RawTimelineRow): TimelineStep => ({
  step: row.step,
  generation: Number(row.generation),
  at: toIso(new Date(row.at)),
  ...(row.cluster ? { cluster: row.cluster } : {}),
  ...(row.detail ? { detail: row.detail } : {}),
});

/** The provisioning timeline of databases (`service_timeline`). */
export class TimelineStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<TimelineStore> {
    return new TimelineStore(await migratedClient(options.database));
  }

  private constructor(private readonly db: Knex) {}

  /** Adds a step; pass the transaction of the change the step records. */
  async add(
    db: Knex | Knex.Transaction,
    entry: {
      serviceId: string;
      step: TimelineStep['step'];
      generation: number;
      cluster?: string;
      detail?: string;
      at?: Date;
    },
  ): Promise<void> {
    await db<RawTimelineRow>('service_timeline').insert({
      service_id: entry.serviceId,
      step: entry.step,
      generation: entry.generation,
      cluster: entry.cluster ?? null,
      detail: entry.detail ?? null,
      at: entry.at ?? new Date(),
    });
  }

  async list(serviceId: string): Promise<TimelineStep[]> {
    const rows = await this.db<RawTimelineRow>('service_timeline')
      .where({ service_id: serviceId })
      .orderBy('seq');
    return rows.map(toStep);
  }

  /** The latest step of each database that has one, by database id. */
  async latestOf(serviceIds: string[]): Promise<Map<string, TimelineStep>> {
    const latest = new Map<string, TimelineStep>();
    if (serviceIds.length === 0) return latest;
    const rows: RawTimelineRow[] = await this.db<RawTimelineRow>(
      'service_timeline',
    ).whereIn(
      'seq',
      this.db('service_timeline')
        .max('seq')
        .whereIn('service_id', serviceIds)
        .groupBy('service_id'),
    );
    for (const row of rows) {
      latest.set(row.service_id, toStep(row));
    }
    return latest;
  }

  /**
   * Whether the step was recorded for the generation (from the cluster, and
   * with the detail, when given).
   */
  async has(
    db: Knex | Knex.Transaction,
    serviceId: string,
    step: TimelineStep['step'],
    generation: number,
    cluster?: string,
    detail?: string,
  ): Promise<boolean> {
    const query = db<RawTimelineRow>('service_timeline').where({
      service_id: serviceId,
      step,
      generation,
    });
    if (cluster) {
      query.where({ cluster });
    }
    if (detail !== undefined) {
      query.where({ detail });
    }
    return (await query.first('seq')) !== undefined;
  }
}
