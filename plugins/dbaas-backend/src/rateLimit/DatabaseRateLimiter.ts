import type {
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { toError } from '@backstage/errors';
import type { Knex } from 'knex';
import { migratedClient } from '../database/migrations';
import { QuotaExceededError } from '../database/QuotaExceededError';
import { DEFAULT_RATE_LIMIT, type RateLimiter } from './RateLimiter';

const TABLE = 'rate_limit_windows';

type RawWindowRow = {
  key: string;
  // PostgreSQL hands bigint columns back as strings.
  window_start: number | string;
  count: number;
};

function describeWindow(windowMs: number): string {
  if (windowMs === 60_000) {
    return 'minute';
  }
  return `${windowMs / 1000} seconds`;
}

/**
 * RateLimiter counting in the plugin's database, so that all backend replicas
 * share one count per key. Windows are fixed and aligned to the epoch, which
 * lets replicas agree on the current window without talking to each other.
 * Windows before the previous one are deleted, so the table holds at most two
 * rows per key that made a request in the last two windows.
 */
export class DatabaseRateLimiter implements RateLimiter {
  static async create(options: {
    database: DatabaseService;
    /** Requests allowed per window; 100 unless given. */
    limit?: number;
    /** Length of a window in milliseconds; a minute unless given. */
    windowMs?: number;
    /** The clock, in milliseconds since the epoch; tests move it. */
    now?: () => number;
    logger?: LoggerService;
  }): Promise<DatabaseRateLimiter> {
    const limit = options.limit ?? DEFAULT_RATE_LIMIT.limit;
    const windowMs = options.windowMs ?? DEFAULT_RATE_LIMIT.windowMs;
    if (!Number.isInteger(limit) || limit < 1) {
      throw new Error(
        `Rate limit must be a whole number above 0, not ${limit}`,
      );
    }
    if (!Number.isInteger(windowMs) || windowMs < 1000) {
      throw new Error(
        `Rate limit window must be whole milliseconds, at least 1000, not ${windowMs}`,
      );
    }
    const client = await migratedClient(options.database);
    return new DatabaseRateLimiter(
      client,
      limit,
      windowMs,
      options.now ?? Date.now,
      options.logger,
    );
  }

  // The window this process last deleted old windows in; other replicas clean
  // up too, which is harmless as the delete is idempotent.
  private lastCleanupWindow = -Infinity;

  private constructor(
    private readonly db: Knex,
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number,
    private readonly logger?: LoggerService,
  ) {}

  async consume(key: string): Promise<void> {
    const now = this.now();
    const windowStart = Math.floor(now / this.windowMs) * this.windowMs;
    await this.deleteOldWindows(windowStart);

    // One statement, so concurrent requests on any replica each get their own
    // count and never read-modify-write over each other. Refused requests are
    // counted as well: they are requests too, and as the window ends at a fixed
    // time, counting them does not keep a caller locked out any longer.
    const [row] = await this.db<RawWindowRow>(TABLE)
      .insert({ key, window_start: windowStart, count: 1 })
      .onConflict(['key', 'window_start'])
      // Qualified so that it reads the stored row, not the proposed (excluded) one.
      .merge({ count: this.db.raw('?? + 1', [`${TABLE}.count`]) })
      .returning('count');
    const count = Number(row.count);

    if (count > this.limit) {
      const retryAfterSeconds = Math.max(
        1,
        Math.ceil((windowStart + this.windowMs - now) / 1000),
      );
      throw new QuotaExceededError(
        `Rate limit of ${this.limit} requests per ${describeWindow(
          this.windowMs,
        )} exceeded for ${key}`,
        retryAfterSeconds,
      );
    }
  }

  /**
   * Keeps the table small: at most once per window, drops the windows before
   * the previous one. The previous window is kept for replicas whose clocks lag
   * a little and still count in it.
   */
  private async deleteOldWindows(windowStart: number): Promise<void> {
    if (windowStart <= this.lastCleanupWindow) {
      return;
    }
    // Claimed before awaiting, so concurrent requests do not all delete.
    this.lastCleanupWindow = windowStart;
    try {
      await this.db(TABLE)
        .where('window_start', '<', windowStart - this.windowMs)
        .delete();
    } catch (error) {
      // Housekeeping must not fail the request; the next window tries again.
      this.logger?.warn(
        'Failed to delete old rate limit windows',
        toError(error),
      );
    }
  }
}
