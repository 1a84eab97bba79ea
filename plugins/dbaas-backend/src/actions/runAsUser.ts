import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import { randomUUID } from 'node:crypto';
import { actorOf, type Caller } from '../router/requestContext';
import type { RouteContext } from '../router/routes/RouteContext';

/** What the DBaaS actions work with: what the API's routes work with. */
export type DbaasActionDeps = {
  context: RouteContext;
  auth: AuthService;
};

/**
 * Runs an action for the signed-in user who invoked it, as the API would
 * serve their request: the same caller (whose permissions every check asks
 * about and whom every audit event names), charged to the same rate limit.
 *
 * Only a user may invoke them. The API trusts a plugin calling with its own
 * credentials with every tenant (docs/security.md), but these actions are
 * reached by agents through the MCP actions backend, which would forward a
 * static external-access token as such a plugin: an agent holding one would
 * see and order in every tenant, acting for nobody the audit trail could name.
 */
export async function runAsUser<T>(
  deps: DbaasActionDeps,
  credentials: BackstageCredentials,
  action: (caller: Caller) => Promise<T>,
): Promise<T> {
  if (!deps.auth.isPrincipal(credentials, 'user')) {
    throw new NotAllowedError(
      'DBaaS actions act for a signed-in user; connect with a user token, not a service token',
    );
  }
  const caller: Caller = {
    credentials,
    actor: actorOf(credentials),
    requestId: randomUUID(),
  };
  try {
    await deps.context.rateLimiter.consume(caller.actor);
    return await action(caller);
  } catch (error) {
    // A quota (or the rate limit) is the API's 429. The MCP actions backend
    // hands an agent only errors of Backstage's own kinds as a tool's answer;
    // anything else reaches it as an internal error without its reason.
    if ((error as Error)?.name === 'QuotaExceededError') {
      throw new ConflictError(`Quota exceeded: ${(error as Error).message}`);
    }
    throw error;
  }
}
