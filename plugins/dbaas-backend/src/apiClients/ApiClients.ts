import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import {
  RELATION_MEMBER_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type {
  ApiClient,
  RegisterApiClientRequest,
} from '@internal/backstage-plugin-dbaas-common';
import type { ApiClientStore } from './ApiClientStore';

/** Who an API client acts for: its owner and the groups they belong to. */
export type ActingFor = {
  owner: string;
  /** The owner and their groups, lower-cased, as a user's token names them. */
  principals: string[];
};

/** How long who a client acts for is used again before it is looked up anew. */
const ACTING_FOR_MAX_AGE_MS = 10_000;
/** Clients kept at most. */
const MAX_KNOWN = 10_000;

/**
 * API clients: scripts and CI jobs calling the DBaaS API with tokens of their
 * own. Backstage's external access verifies those tokens (a `jwks` entry of
 * `backend.auth.externalAccess`, e.g. Keycloak's, with a `subjectPrefix`);
 * `dbaas.apiClients.subjectPrefixes` names the prefixes whose subjects are
 * API clients. A client acts for the user who registered it: it may do what
 * that user (with their groups of the moment, from the catalog) may do, and
 * nothing while it is not registered or its user is gone.
 */
export class ApiClients {
  private readonly prefixes: string[];
  /**
   * Who each client acted for, kept briefly. Not stale-while-revalidate (as
   * the tenant directory is): a removed client must stop at once.
   */
  private readonly known = new Map<
    string,
    { actingFor: Promise<ActingFor | undefined>; freshUntil: number }
  >();
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  static fromConfig(
    config: RootConfigService,
    deps: {
      store: ApiClientStore;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
  ): ApiClients {
    const prefixes =
      config.getOptionalStringArray('dbaas.apiClients.subjectPrefixes') ?? [];
    for (const prefix of prefixes) {
      if (!/^[a-zA-Z0-9][-a-zA-Z0-9_.]*$/.test(prefix)) {
        throw new InputError(
          `dbaas.apiClients.subjectPrefixes: "${prefix}" is not a subjectPrefix of backend.auth.externalAccess (letters, digits, - _ .)`,
        );
      }
    }
    return new ApiClients(prefixes, deps);
  }

  constructor(
    prefixes: string[],
    private readonly deps: {
      store: ApiClientStore;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
    options?: { maxAgeMs?: number; now?: () => number },
  ) {
    // Backstage names a JWKS token's principal `external:<prefix>:<sub>`.
    this.prefixes = prefixes.map(prefix => `external:${prefix}:`);
    this.maxAgeMs = options?.maxAgeMs ?? ACTING_FOR_MAX_AGE_MS;
    this.now = options?.now ?? Date.now;
  }

  /** Whether API clients are configured at all. */
  get enabled(): boolean {
    return this.prefixes.length > 0;
  }

  /** Whether the credentials are an API client's (registered or not). */
  isClient(credentials: BackstageCredentials): boolean {
    const principal = credentials.principal as {
      type: string;
      subject?: string;
    };
    return (
      principal.type === 'service' &&
      this.isClientSubject(principal.subject ?? '')
    );
  }

  isClientSubject(subject: string): boolean {
    return this.prefixes.some(
      prefix => subject.startsWith(prefix) && subject.length > prefix.length,
    );
  }

  /**
   * Who the client acts for; undefined when it is not registered, or its owner
   * is no longer in the catalog. Used again for a few seconds: a removal or a
   * change of the owner's groups counts within that time.
   */
  async actingFor(subject: string): Promise<ActingFor | undefined> {
    if (!this.isClientSubject(subject)) return undefined;
    const now = this.now();
    let kept = this.known.get(subject);
    if (!kept || now > kept.freshUntil) {
      const actingFor = this.lookUp(subject);
      kept = { actingFor, freshUntil: now + this.maxAgeMs };
      this.known.set(subject, kept);
      // A failed lookup is not kept: the next call looks again.
      actingFor.catch(() => {
        if (this.known.get(subject)?.actingFor === actingFor) {
          this.known.delete(subject);
        }
      });
      // Few clients, but no bound is no good: the oldest go first.
      for (const oldest of this.known.keys()) {
        if (this.known.size <= MAX_KNOWN) break;
        this.known.delete(oldest);
      }
      actingFor.then(
        found => found && this.touch(subject),
        () => undefined,
      );
    }
    return kept.actingFor;
  }

  /**
   * Registers the client whose fresh access token is given to act for the
   * owner (a user): the token proves the owner holds the client's
   * credentials, and names it.
   */
  async register(
    owner: string,
    input: RegisterApiClientRequest,
  ): Promise<{ client: ApiClient; created: boolean }> {
    const subject = await this.subjectOfToken(input.token);
    const registered = await this.deps.store.register({
      subject,
      owner,
      description: input.description,
    });
    this.known.delete(subject);
    return registered;
  }

  listFor(owner: string): Promise<ApiClient[]> {
    return this.deps.store.listFor(owner);
  }

  /** Removes the owner's client; its tokens are refused from then on. */
  async remove(subject: string, owner: string): Promise<ApiClient> {
    const removed = await this.deps.store.remove(subject, owner);
    this.known.delete(subject);
    return removed;
  }

  /**
   * The subject of a client's fresh access token, verified as Backstage
   * verifies every token; the token itself is not kept.
   */
  private async subjectOfToken(token: string): Promise<string> {
    let credentials: BackstageCredentials;
    try {
      credentials = await this.deps.auth.authenticate(token);
    } catch {
      throw new InputError(
        'token is not a valid access token of any source Backstage trusts (backend.auth.externalAccess)',
      );
    }
    if (!this.isClient(credentials)) {
      throw new InputError(
        `token is not an API client's: its subject must begin with ${
          this.prefixes.join(' or ') || '(none configured)'
        } (dbaas.apiClients.subjectPrefixes)`,
      );
    }
    return (credentials.principal as { subject: string }).subject;
  }

  private async touch(subject: string): Promise<void> {
    try {
      await this.deps.store.touch(subject);
    } catch (error) {
      this.deps.logger.warn(`Could not record the use of ${subject}`, {
        error: String(error),
      });
    }
  }

  private async lookUp(subject: string): Promise<ActingFor | undefined> {
    const owner = await this.deps.store.ownerOf(subject);
    if (!owner) return undefined;
    const entity = await this.deps.catalog.getEntityByRef(owner, {
      credentials: await this.deps.auth.getOwnServiceCredentials(),
    });
    if (!entity) {
      this.deps.logger.warn(
        `API client ${subject} acts for ${owner}, who is not in the catalog: refused`,
      );
      return undefined;
    }
    // What Backstage's sign-in gives a user by default (the user and the
    // groups it is a member of), which is what the portal's Keycloak sign-in
    // resolvers give: the client holds its owner's ownership, no more.
    const principals = [
      stringifyEntityRef(entity),
      ...(entity.relations ?? [])
        .filter(relation => relation.type === RELATION_MEMBER_OF)
        .map(relation => relation.targetRef),
    ].map(ref => ref.toLowerCase());
    return { owner, principals: [...new Set(principals)] };
  }
}
