import type {
  AuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { toError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  isPopEntity,
  popFromEntity,
  POP_ENTITY_TYPE,
  type Pop,
  type PopEntityLike,
} from '@internal/backstage-plugin-dbaas-common';

/** The portal's PoP list: what regions exist and what each offers. */
export interface PopDirectory {
  /** The PoPs now, by id. */
  listPops(): Promise<Pop[]>;
}

/**
 * Where a PoP's Kubernetes API is, from its entity's annotations (the ones
 * Backstage's Kubernetes plugin reads from a cluster entity). Never a
 * credential: those stay out of the catalog (popClusters.ts).
 */
export type PopAddress = {
  url: string;
  /** Base64 PEM of the API server's CA. */
  caData?: string;
  skipTLSVerify: boolean;
};

/** The Kubernetes plugin's annotations on a cluster entity. */
const API_SERVER = 'kubernetes.io/api-server';
const API_SERVER_CA = 'kubernetes.io/api-server-certificate-authority';
const SKIP_TLS_VERIFY = 'kubernetes.io/skip-tls-verify';

/**
 * The PoPs are the catalog's PoP entities (dbaas-common catalog/pops.ts),
 * read with the plugin's own credentials. Only an entity owned by a platform
 * admin group counts: a PoP decides where databases run and which clusters
 * the portal trusts, so a Resource a tenant team could own (or a forged one)
 * is ignored, with a warning, as is an entity that is not a valid PoP.
 *
 * The list is kept for `maxAgeMs` and then served while it is read again; a
 * failed read keeps the last good list. An empty answer is not kept, so a
 * portal whose catalog has not read its locations yet finds the PoPs as soon
 * as it has.
 */
export class CatalogPopDirectory implements PopDirectory {
  private last?: {
    pops: Pop[];
    addresses: Map<string, PopAddress>;
    readAt: number;
  };
  private reading?: Promise<Pop[]>;
  /** Problems already logged, so a broken entity is reported once per change. */
  private reported = new Set<string>();
  private readonly admins: Set<string>;

  constructor(
    private readonly options: {
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      /** Group refs of the platform admins (dbaas.permissions.platformAdmins). */
      platformAdmins: string[];
      maxAgeMs?: number;
      now?: () => number;
    },
  ) {
    this.admins = new Set(options.platformAdmins.map(ref => ref.toLowerCase()));
  }

  /**
   * The directory a plugin reads the PoPs through, with its own credentials,
   * trusting the platform admins of `dbaas.permissions.platformAdmins`.
   */
  static fromConfig(
    config: RootConfigService,
    deps: { catalog: CatalogService; auth: AuthService; logger: LoggerService },
  ): CatalogPopDirectory {
    return new CatalogPopDirectory({
      ...deps,
      platformAdmins:
        config.getOptionalStringArray('dbaas.permissions.platformAdmins') ?? [],
    });
  }

  async listPops(): Promise<Pop[]> {
    const now = (this.options.now ?? Date.now)();
    const last = this.last;
    if (last && last.pops.length > 0) {
      if (now - last.readAt > (this.options.maxAgeMs ?? 10_000)) {
        this.read().catch(error =>
          this.options.logger.warn(
            'Could not read the PoPs from the catalog; using the last read',
            toError(error),
          ),
        );
      }
      return last.pops;
    }
    return this.read();
  }

  /** Where the PoP's API server is, as of the last read; undefined when its entity does not say. */
  addressOf(pop: string): PopAddress | undefined {
    return this.last?.addresses.get(pop);
  }

  private read(): Promise<Pop[]> {
    this.reading ??= this.load().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private async load(): Promise<Pop[]> {
    const readAt = (this.options.now ?? Date.now)();
    const credentials = await this.options.auth.getOwnServiceCredentials();
    const { items } = await this.options.catalog.getEntities(
      {
        filter: { kind: 'Resource', 'spec.type': POP_ENTITY_TYPE },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
          'metadata.annotations',
          'spec',
        ],
      },
      { credentials },
    );
    const pops = new Map<string, Pop>();
    const addresses = new Map<string, PopAddress>();
    const problems = new Set<string>();
    for (const entity of items as PopEntityLike[]) {
      if (!isPopEntity(entity)) continue;
      const ref = stringifyEntityRef(entity as never);
      const owner = this.ownerOf(entity);
      if (!owner || !this.admins.has(owner)) {
        problems.add(
          `Ignoring PoP ${ref}: its owner ${
            owner ?? '(none)'
          } is not a platform admin group (dbaas.permissions.platformAdmins)`,
        );
        continue;
      }
      try {
        const pop = popFromEntity(entity);
        if (pops.has(pop.id)) {
          problems.add(
            `Ignoring PoP ${ref}: PoP ${pop.id} is described by another entity too`,
          );
          continue;
        }
        pops.set(pop.id, pop);
        const annotations = entity.metadata.annotations ?? {};
        if (annotations[API_SERVER]) {
          addresses.set(pop.id, {
            url: annotations[API_SERVER],
            caData: annotations[API_SERVER_CA],
            skipTLSVerify: annotations[SKIP_TLS_VERIFY] === 'true',
          });
        }
      } catch (error) {
        problems.add(`Ignoring PoP ${ref}: ${toError(error).message}`);
      }
    }
    const list = [...pops.values()].sort((a, b) => a.id.localeCompare(b.id));
    if (list.length === 0) {
      problems.add(
        `The catalog holds no PoP (a Resource of type ${POP_ENTITY_TYPE} annotated dbaas.io/pop, owned by a platform admin group): no database can be ordered`,
      );
    }
    for (const problem of problems) {
      if (!this.reported.has(problem)) this.options.logger.warn(problem);
    }
    this.reported = problems;
    this.last = { pops: list, addresses, readAt };
    return list;
  }

  private ownerOf(entity: PopEntityLike): string | undefined {
    const owner = (entity.spec as { owner?: unknown }).owner;
    if (typeof owner !== 'string') return undefined;
    try {
      return stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace:
            (entity.metadata as { namespace?: string }).namespace ?? 'default',
        }),
      ).toLowerCase();
    } catch {
      return undefined;
    }
  }
}
