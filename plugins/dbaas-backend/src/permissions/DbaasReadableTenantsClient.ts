import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  READABLE_TENANTS_PATH,
  type ReadableTenantsResponse,
} from './readableTenants';

type Entry = { expiresAt: number; tenants: Promise<string[]> };

/**
 * Asks the DBaaS plugin which tenants' databases a user may read (see
 * READABLE_TENANTS_PATH), as the permission plugin, with its own credentials.
 *
 * The catalog asks the policy on every request, so answers are kept for
 * `ttlMs` (default 10 s): a new or revoked grant shows in the catalog that
 * much later, as it does in the user's ownership refs at their next sign-in.
 * The cache holds at most `maxEntries` principal sets. A failure is logged
 * and answered with no tenants (the caller's own groups still count), and is
 * not cached.
 */
export class DbaasReadableTenantsClient {
  private readonly cache = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly deps: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
    },
    options?: { ttlMs?: number; maxEntries?: number },
  ) {
    this.ttlMs = options?.ttlMs ?? 10_000;
    this.maxEntries = options?.maxEntries ?? 1_000;
  }

  readonly readableTenants = async (principals: string[]) => {
    const key = [...new Set(principals)].sort().join('\n');
    const now = Date.now();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > now) {
      return cached.tenants;
    }
    this.cache.delete(key);
    if (this.cache.size >= this.maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest.
      this.cache.delete(this.cache.keys().next().value!);
    }
    const tenants = this.fetch(principals).catch(error => {
      this.cache.delete(key);
      this.deps.logger.warn(
        `Could not ask the DBaaS plugin which tenants' databases a user may read; showing only their own groups' databases: ${error}`,
      );
      return [];
    });
    this.cache.set(key, { expiresAt: now + this.ttlMs, tenants });
    return tenants;
  };

  private async fetch(principals: string[]): Promise<string[]> {
    const baseUrl = await this.deps.discovery.getBaseUrl('dbaas');
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
      targetPluginId: 'dbaas',
    });
    const response = await fetch(`${baseUrl}${READABLE_TENANTS_PATH}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ principals }),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    const body = (await response.json()) as ReadableTenantsResponse;
    return body.tenants;
  }
}
