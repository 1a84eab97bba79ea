import type { DbaasClient } from '@internal/backstage-plugin-dbaas-common';
import type { WholeLoop } from '@internal/test-services';
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * When each hop of one database was first seen, in `performance.now()`
 * milliseconds of the bench process; unset until it was.
 */
export type DatabaseTimes = {
  name: string;
  id?: string;
  /** The create request was sent. */
  sent: number;
  /** Its answer arrived (a 201), or `error` says why not. */
  answered?: number;
  error?: string;
  /** Its claim file is on main in the GitOps repository. */
  committed?: number;
  /** Argo CD synced its claim to the PoP. */
  claim?: number;
  /** The PoP's operator applied its engine resource. */
  engine?: number;
  /** The claim's status on the PoP says Active (the stand-in, then the operator). */
  claimActive?: number;
  /** The API says active (the portal's watch of the claim). */
  active?: number;
  /** The delete request was sent, and the same hops of its removal. */
  deleteSent?: number;
  removed?: number;
  claimGone?: number;
  gone?: number;
};

/**
 * Reads, in one round, where every database of the tenant is: the claim files
 * on main of the bare repository (what the portal committed), the claims and
 * CloudNativePG Clusters in the tenant's namespace on the PoP, and the
 * tenant's databases in the API, and stamps each hop the first time it is
 * seen. A round costs one `git ls-tree`, two lists on the PoP and a page of the
 * API per 100 databases, whatever the count, so polling 500 databases loads
 * the parts about as much as polling one.
 */
export class LoopObserver {
  constructor(
    private readonly deps: {
      loop: WholeLoop;
      client: DbaasClient;
      token: string;
      gitdir: string;
      tenant: string;
      tenantRef: string;
      namespace: string;
      pop: string;
    },
  ) {}

  async poll(databases: DatabaseTimes[]): Promise<void> {
    // The last hop first: whatever that shows, the hops before it had
    // already done when they are read after it, so a round never sees a later
    // hop without the earlier ones.
    const services = await this.services();
    const engines = await this.engineResources();
    const claims = await this.claims();
    const files = await this.claimFiles();
    // One time for the whole round, when all of it was read: a hop seen in
    // one round takes 0, never less, and every stamp is at most a round late.
    const at = performance.now();
    for (const db of databases) {
      if (db.deleteSent === undefined) {
        if (files.has(db.name)) db.committed ??= at;
        if (claims.has(db.name)) db.claim ??= at;
        if (engines.has(db.name)) db.engine ??= at;
        if (claims.get(db.name) === 'Active') {
          db.claimActive ??= at;
        }
        if (services.get(db.name) === 'active') db.active ??= at;
      } else {
        if (!files.has(db.name)) db.removed ??= at;
        if (!claims.has(db.name)) db.claimGone ??= at;
        if (!services.has(db.name)) db.gone ??= at;
      }
    }
  }

  /** The names of the claim files on main. */
  private async claimFiles(): Promise<Set<string>> {
    const folder = `tenants/${this.deps.tenant}/`;
    const { stdout } = await run('git', [
      `--git-dir=${this.deps.gitdir}`,
      'ls-tree',
      '--name-only',
      'main',
      folder,
    ]).catch(() => ({ stdout: '' }));
    return new Set(
      stdout
        .split('\n')
        .filter(line => line.endsWith('.yaml'))
        .map(line => line.slice(folder.length, -'.yaml'.length)),
    );
  }

  /** The claims on the PoP, by name, with their phase. */
  private async claims(): Promise<Map<string, string | undefined>> {
    const items = await this.deps.loop.list(
      this.deps.pop,
      'dbaas.io/v1alpha1',
      'ServiceClaim',
      this.deps.namespace,
    );
    return new Map(items.map(c => [c.metadata!.name!, c.status?.phase]));
  }

  /** The claims whose CloudNativePG Cluster the operator applied on the PoP. */
  private async engineResources(): Promise<Set<string>> {
    const items = await this.deps.loop.list(
      this.deps.pop,
      'postgresql.cnpg.io/v1',
      'Cluster',
      this.deps.namespace,
    );
    return new Set(
      items.map(
        c =>
          c.metadata?.labels?.['app.kubernetes.io/instance'] ??
          c.metadata!.name!,
      ),
    );
  }

  /** The tenant's databases in the API, by name, with their status. */
  private async services(): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (let page = 1; ; page++) {
      const { data, pagination } = await this.deps.client.listServices(
        { tenant: this.deps.tenantRef, limit: 100, page },
        { token: this.deps.token },
      );
      for (const service of data) found.set(service.name, service.status);
      if (data.length === 0 || page * pagination.limit >= pagination.total) {
        return found;
      }
    }
  }
}
