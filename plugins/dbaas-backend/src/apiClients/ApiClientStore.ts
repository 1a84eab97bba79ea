import { ConflictError, NotFoundError } from '@backstage/errors';
import type { ApiClient } from '@internal/backstage-plugin-dbaas-common';
import type { Knex } from 'knex';
import { toIso } from '../database/serviceRows';

type RawApiClientRow = {
  subject: string;
  owner: string;
  description: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
  removed_at: Date | string | null;
};

/** How stale `last_used_at` may get before a call writes it again. */
const LAST_USED_RESOLUTION_MS = 60_000;

const toApiClient = (row: RawApiClientRow): ApiClient => ({
  subject: row.subject,
  owner: row.owner,
  description: row.description,
  createdAt: toIso(row.created_at),
  ...(row.last_used_at ? { lastUsedAt: toIso(row.last_used_at) } : {}),
});

/** The `api_clients` table: which script's client acts for which user. */
export class ApiClientStore {
  constructor(
    private readonly db: Knex,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Registers the client for the owner, or changes the description of one
   * the owner registered before (a removed one comes back). A client another
   * user registered is refused: it acts for one user only.
   */
  async register(input: {
    subject: string;
    owner: string;
    description: string;
  }): Promise<{ client: ApiClient; created: boolean }> {
    const now = this.now();
    const fresh: RawApiClientRow = {
      subject: input.subject,
      owner: input.owner,
      description: input.description,
      created_at: now,
      last_used_at: null,
      removed_at: null,
    };
    // One statement each, so that two registrations at once cannot both win.
    const inserted = await this.db('api_clients')
      .insert(fresh)
      .onConflict('subject')
      .ignore()
      .returning('subject');
    if (inserted.length > 0) {
      return { client: toApiClient(fresh), created: true };
    }
    const revived = await this.db('api_clients')
      .where({ subject: input.subject })
      .whereNotNull('removed_at')
      .update(fresh);
    if (revived > 0) {
      return { client: toApiClient(fresh), created: true };
    }
    const described = await this.db('api_clients')
      .where({ subject: input.subject, owner: input.owner })
      .whereNull('removed_at')
      .update({ description: input.description });
    const row = await this.db<RawApiClientRow>('api_clients')
      .where({ subject: input.subject })
      .first();
    if (described === 0 || !row || row.owner !== input.owner) {
      throw new ConflictError(
        `${input.subject} acts for another user already; they (or a platform admin) must remove it first`,
      );
    }
    return { client: toApiClient(row), created: false };
  }

  /** The user the client acts for; undefined when it is not registered (or removed). */
  async ownerOf(subject: string): Promise<string | undefined> {
    const row = await this.db<RawApiClientRow>('api_clients')
      .where({ subject })
      .whereNull('removed_at')
      .first('owner');
    return row?.owner;
  }

  /** The clients that act for the owner, newest first. */
  async listFor(owner: string): Promise<ApiClient[]> {
    const rows = await this.db<RawApiClientRow>('api_clients')
      .where({ owner })
      .whereNull('removed_at')
      .orderBy('created_at', 'desc');
    return rows.map(toApiClient);
  }

  /**
   * Removes the owner's client. Answers NotFound for a client that is not the
   * owner's, so that nobody learns who registered which client.
   */
  async remove(subject: string, owner: string): Promise<ApiClient> {
    const row = await this.db<RawApiClientRow>('api_clients')
      .where({ subject, owner })
      .whereNull('removed_at')
      .first();
    const changed = row
      ? await this.db('api_clients')
          .where({ subject, owner })
          .whereNull('removed_at')
          .update({ removed_at: this.now() })
      : 0;
    if (!row || changed === 0) {
      throw new NotFoundError(`No API client ${subject} of yours`);
    }
    return toApiClient(row);
  }

  /** Records a call of the client, at most once a minute. */
  async touch(subject: string): Promise<void> {
    const now = this.now();
    await this.db('api_clients')
      .where({ subject })
      .whereNull('removed_at')
      .andWhere(q =>
        q
          .whereNull('last_used_at')
          .orWhere(
            'last_used_at',
            '<',
            new Date(now.getTime() - LAST_USED_RESOLUTION_MS),
          ),
      )
      .update({ last_used_at: now });
  }
}
