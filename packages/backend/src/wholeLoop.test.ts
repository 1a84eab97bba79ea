import { mockCredentials } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  describeWithServices,
  eventually,
  repoRoot,
  restartService,
  WholeLoop,
} from '@internal/test-services';
import yaml from 'js-yaml';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import request from 'supertest';
import { startPortalTestBackend } from './__testUtils__/startPortalTestBackend';

// Argo CD, two PoPs and their operators: each hop takes seconds.
jest.setTimeout(600_000);

type TimelineStep = { step: string; cluster?: string; detail?: string };
type Service = {
  id: string;
  status: string;
  generation: number;
  observedGeneration?: number;
  connection?: { host: string; port: number };
  timeline: TimelineStep[];
  restoredFrom?: { serviceId: string };
};

/**
 * The whole loop with its real parts: the portal commits a claim to a git
 * repository served over HTTP, Argo CD (application-controller,
 * applicationset-controller and repo-server, from its release) generates an
 * Application per PoP and tenant from the layout the portal generated and syncs
 * the claim to both PoP clusters, each PoP's ServiceClaim operator (its own
 * process, with its chart's ServiceAccount token) renders its share, and the
 * portal reads the claim's status back from both. Only the engine operators
 * are stood in for (EngineOperatorStandIn): no container runtime here.
 */
describeWithServices(
  ['kube', 'pops', 'gitserver', 'argocd'],
  'the whole loop end to end: portal, git, Argo CD, two PoPs and their operators',
  env => {
    const loop = new WholeLoop(env);
    const run = Date.now().toString(36);
    const tenant = `loop-${run}`;
    const tenantRef = `group:default/${tenant}`;
    const namespace = `tenant-${tenant}`;
    const developer = 'user:default/ada';
    const asDeveloper = mockCredentials.user.header(developer);
    const repository = `gitops-${run}.git`;
    const gitdir = path.join(env.DBAAS_GIT_ROOT ?? '', repository);

    let root: string;
    let server: Server;
    let stop: (() => Promise<void>) | undefined;
    const hops: string[] = [];

    const api = (method: 'get' | 'post' | 'put' | 'delete', url: string) =>
      request(server)[method](url).set('Authorization', asDeveloper);

    async function explained<T>(step: () => Promise<T>): Promise<T> {
      try {
        return await step();
      } catch (error) {
        // eslint-disable-next-line no-console
        console.error(inspect(error, { depth: 4 }));
        throw error;
      }
    }

    /**
     * Waits for `probe`, recording how long this hop took; when it times
     * out, says where the watched databases stand.
     */
    async function hop<T>(
      what: string,
      probe: () => Promise<T | undefined>,
      timeoutMs = 120_000,
    ): Promise<T> {
      const started = performance.now();
      let value: T;
      try {
        value = await eventually(what, probe, {
          timeoutMs,
          intervalMs: 250,
        });
      } catch (error) {
        hops.push(`${what}: timed out after ${timeoutMs} ms`);
        // eslint-disable-next-line no-console
        console.error(
          `${what}: where things stand\n  ${(await whereThingsStand()).join(
            '\n  ',
          )}`,
        );
        throw error;
      }
      hops.push(`${what}: ${Math.round(performance.now() - started)} ms`);
      return value;
    }

    const show = (file: string) => {
      try {
        return execFileSync(
          'git',
          [`--git-dir=${gitdir}`, 'show', `main:${file}`],
          { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
        );
      } catch {
        return undefined;
      }
    };

    /**
     * Commits as a person with write access to the repository would, beside
     * the portal: `files` written (null: deleted), pushed to main.
     */
    const commitAsPerson = (
      message: string,
      files: Record<string, string | null>,
    ) => {
      const work = fs.mkdtempSync(path.join(root, 'person-'));
      const git = (...args: string[]) =>
        execFileSync('git', args, {
          cwd: work,
          encoding: 'utf8',
          stdio: 'pipe',
        });
      git('clone', '-q', gitdir, '.');
      for (const [file, content] of Object.entries(files)) {
        const at = path.join(work, file);
        if (content === null) {
          fs.rmSync(at, { force: true });
        } else {
          fs.mkdirSync(path.dirname(at), { recursive: true });
          fs.writeFileSync(at, content);
        }
      }
      git('add', '-A');
      git(
        '-c',
        'user.name=Mallory',
        '-c',
        'user.email=mallory@example.com',
        'commit',
        '-qm',
        message,
      );
      git('push', '-q', 'origin', 'HEAD:main');
      fs.rmSync(work, { recursive: true, force: true });
    };

    const service = async (id: string) => {
      const response = await api('get', `/api/dbaas/v1/services/${id}`);
      return response.status === 200 ? (response.body as Service) : undefined;
    };

    /** The databases a hop that times out describes; each test names its own. */
    let watched: { name: string; id?: string }[] = [];

    /**
     * Where the watched databases stand along the loop: the claim in git, in
     * each PoP the claim and its engine objects with their status, the Argo
     * CD Applications, and what the portal has of the database and its
     * backups; what a person reads when a hop timed out.
     */
    async function whereThingsStand(): Promise<string[]> {
      const lines: string[] = [];
      const head = () =>
        execFileSync(
          'git',
          [`--git-dir=${gitdir}`, 'log', '-1', '--format=%h %s', 'main'],
          { encoding: 'utf8' },
        ).trim();
      try {
        lines.push(`git: main at ${head()}`);
      } catch (error) {
        lines.push(`git: ${String(error)}`);
      }
      for (const { name } of watched) {
        const committed = show(`tenants/${tenant}/${name}.yaml`);
        const annotations = committed
          ? (yaml.load(committed) as { metadata?: { annotations?: object } })
              .metadata?.annotations
          : undefined;
        lines.push(
          `git: ${name} ${
            committed
              ? `committed with annotations ${JSON.stringify(annotations)}`
              : 'not in main'
          }`,
        );
      }
      lines.push(
        ...(await loop.whereItStands(
          namespace,
          watched.map(w => w.name),
        )),
      );
      for (const { name, id } of watched) {
        if (!id) continue;
        try {
          const answer = await api('get', `/api/dbaas/v1/services/${id}`);
          const found = answer.body as Service;
          lines.push(
            answer.status === 200
              ? `portal: ${name} ${found.status}, generation ${
                  found.generation
                }, observed ${
                  found.observedGeneration ?? '-'
                }, timeline ${found.timeline
                  .slice(-8)
                  .map(s => `${s.step}${s.cluster ? `@${s.cluster}` : ''}`)
                  .join(' ')}`
              : `portal: ${name} answers ${answer.status} ${JSON.stringify(
                  answer.body,
                )}`,
          );
          const { body } = await api(
            'get',
            `/api/dbaas/v1/services/${id}/backups`,
          );
          for (const b of (body.data ?? []) as Record<string, unknown>[]) {
            lines.push(
              `portal: ${name} backup ${b.id} ${b.type} ${b.status}${
                b.message ? ` (${b.message})` : ''
              }, created ${b.createdAt}`,
            );
          }
        } catch (error) {
          lines.push(`portal: ${name}: ${String(error)}`);
        }
      }
      return lines;
    }

    // Long enough to wait for another suite's turn first (WholeLoop.takeTurn).
    beforeAll(() => explained(setUp), 1_500_000);

    async function setUp() {
      await loop.takeTurn('wholeLoop.test.ts (packages/backend)');
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-whole-loop-'));
      await loop.startPops({ namespaces: [namespace] });

      const org = loop.writeTenant(root, {
        organization: `loop-org-${run}`,
        tenant,
      });

      // The portal's access to Argo CD: the Role docs/api.md gives it.
      const argocd = await loop.portalArgoCdConfig();

      const backend = await startPortalTestBackend({
        memberships: { [developer]: [tenantRef] },
        config: {
          catalog: {
            rules: [
              {
                allow: [
                  'Component',
                  'System',
                  'API',
                  'Resource',
                  'Location',
                  'Group',
                  'User',
                  'Domain',
                  'Template',
                ],
              },
            ],
            locations: [
              { type: 'file', target: org },
              {
                type: 'file',
                target: path.join(
                  repoRoot,
                  'templates/new-database/template.yaml',
                ),
              },
            ],
          },
          permission: { enabled: true },
          dbaas: {
            permissions: { platformAdmins: ['group:default/platform'] },
            // The hops poll every 250 ms as the developer: 240 requests a
            // minute, where the API's default budget is 100 per caller. On a
            // busy machine a slow hop spent it, and the requests after it
            // (an order, a scale) were refused with 429 for the rest of the
            // minute.
            rateLimit: { requestsPerMinute: 10_000 },
            // Drills on the real scheduler, a pass every two seconds.
            restoreDrills: { checkEverySeconds: 2 },
            // Every test orders into the one tenant, and the restore below
            // copies a global database scaled to 48 CPUs.
            quotas: {
              default: { instances: 50, cpu: 512, memoryGi: 2048 },
            },
            gitops: {
              localPath: gitdir,
              repoURL: `${env.DBAAS_GIT_URL}/${repository}`,
              argocd,
            },
          },
          kubernetes: {
            clusterLocatorMethods: [
              { type: 'config', clusters: loop.kubernetesClusters() },
            ],
          },
        },
      });
      server = backend.server;
      stop = backend.stop;

      // The platform team's one-time setup, once the portal wrote the layout.
      await hop('layout committed', async () =>
        show('argocd/bootstrap.yaml') ? true : undefined,
      );
      await loop.bootstrapArgoCd(gitdir);
      for (const pop of loop.pops) {
        await hop(
          `${pop.name}-platform synced`,
          async () => {
            const app = await loop.application(`${pop.name}-platform`);
            return app?.status?.sync?.status === 'Synced' ? app : undefined;
          },
          240_000,
        );
      }
      for (const ref of [
        'template/default/new-database',
        `group/default/${tenant}`,
      ]) {
        await eventually(`${ref} in the catalog`, async () =>
          (await api('get', `/api/catalog/entities/by-name/${ref}`)).status ===
          200
            ? true
            : undefined,
        );
      }
    }

    afterAll(() =>
      explained(async () => {
        await stop?.();
        await loop.stop();
        // eslint-disable-next-line no-console
        console.log(`Whole loop, hop by hop:\n  ${hops.join('\n  ')}`);
        if (root) fs.rmSync(root, { recursive: true, force: true });
      }),
    );

    it('orders a shared YugabyteDB with the "New database" template', () =>
      explained(async () => {
        const name = 'orders';
        watched = [{ name }];
        const created = await api('post', '/api/scaffolder/v2/tasks').send({
          templateRef: 'template:default/new-database',
          values: {
            tenant: tenantRef,
            name,
            offering: {
              engine: 'yugabyte',
              plan: 'shared',
              region: 'lagos',
              sku: 'yb-shared',
            },
          },
        });
        expect(created.status).toBe(201);
        const taskId = created.body.id as string;
        await hop('orders: committed', async () =>
          show(`tenants/${tenant}/${name}.yaml`),
        );
        await hop('orders: universe in lagos', async () => {
          const universes = await loop.list(
            'lagos',
            'operator.yugabyte.io/v1alpha1',
            'YBUniverse',
            namespace,
          );
          return universes.length > 0 ? universes : undefined;
        });
        // The template's wait step polls every 5 s and ends with the database.
        const task = await hop(
          'orders: template task completed',
          async () => {
            const { body } = await api(
              'get',
              `/api/scaffolder/v2/tasks/${taskId}`,
            );
            return ['completed', 'failed', 'cancelled'].includes(body.status)
              ? body
              : undefined;
          },
          90_000,
        );
        const { body: events } = await api(
          'get',
          `/api/scaffolder/v2/tasks/${taskId}/events`,
        );
        const log = (events as { body: { message?: string } }[]).map(
          e => e.body.message,
        );
        expect({
          status: task.status,
          log: task.status === 'completed' ? [] : log,
        }).toEqual({
          status: 'completed',
          log: [],
        });
        const completion = (
          events as {
            type: string;
            body: { output?: { text?: { content: string }[] } };
          }[]
        ).find(e => e.type === 'completion');
        expect(completion?.body.output?.text?.[0]?.content).toContain(
          `**${name}** of ${tenantRef} is **Active**`,
        );
        // Frankfurt runs none of it, says so, and does not hold it up.
        const there = await loop.claim('frankfurt', namespace, name);
        expect(there?.status?.phase).toBe('Pending');
        // YugabyteDB Anywhere reads the YSQL password in `default`: lagos's
        // operator put it there, and the app's Secret has the same one.
        const password = async (ns: string, secret: string, key: string) => {
          const found = await loop.object('lagos', 'v1', 'Secret', ns, secret);
          return Buffer.from(found?.data?.[key] ?? '', 'base64').toString();
        };
        const ysql = await password(
          'default',
          `${namespace}.${name}.ysql`,
          'ysqlPassword',
        );
        expect(ysql).toMatch(/^[A-Za-z0-9_-]{32}$/);
        expect(
          await password(namespace, `${name}-credentials`, 'password'),
        ).toBe(ysql);
      }));

    it("keeps a tenant's folder to its own claims and namespace, and a fixed commit syncs", () =>
      explained(async () => {
        const other = `tenant-loop-other-${run}`;
        const claim = (name: string, ns: string) =>
          yaml.dump({
            apiVersion: 'dbaas.io/v1alpha1',
            kind: 'ServiceClaim',
            metadata: { name, namespace: ns },
            spec:
              yaml.load(show(`tenants/${tenant}/orders.yaml`)!) &&
              (yaml.load(show(`tenants/${tenant}/orders.yaml`)!) as any).spec,
          });
        const overlay = show('overlays/lagos/kustomization.yaml')!;
        const rogue = {
          // Another kind in a tenant's folder.
          [`tenants/${tenant}/rogue.yaml`]: yaml.dump({
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'rogue' },
            data: { a: '1' },
          }),
          // A claim in a tenant's folder naming another tenant's namespace.
          [`tenants/${tenant}/intruder.yaml`]: claim('intruder', other),
          // A claim outside tenants/, slipped into a PoP's overlay.
          'overlays/lagos/smuggled.yaml': claim('smuggled', namespace),
          'overlays/lagos/kustomization.yaml': `${overlay}  - smuggled.yaml\n`,
        };
        commitAsPerson('Slip things past the portal', rogue);
        // What the code host's push webhook to Argo CD does for a person's
        // commit (the portal refreshes after its own commits only).
        await loop.refreshApplication('lagos-platform');

        // A database ordered after it: its Applications cannot sync.
        const created = await api('post', '/api/dbaas/v1/services').send({
          name: 'audit',
          tenant: tenantRef,
          engine: 'postgresql',
          plan: 'shared',
          region: 'lagos',
        });
        expect(created.status).toBe(201);
        const id = created.body.id as string;
        watched = [{ name: 'audit', id }];
        const failed = await hop(
          'audit: sync-failed on the timeline',
          async () => {
            const found = await service(id);
            return found?.timeline.find(
              step => step.step === 'sync-failed' && step.cluster === 'lagos',
            );
          },
          180_000,
        );
        // Argo CD's own words, naming both refusals.
        expect(failed.detail).toContain(
          `namespace ${other} is not permitted in project`,
        );
        expect(failed.detail).toContain('resource :ConfigMap is not permitted');
        const platform = await hop(
          'lagos-platform refuses the smuggled claim',
          async () => {
            const app = await loop.application('lagos-platform');
            const message =
              JSON.stringify(app?.status?.operationState ?? {}) +
              JSON.stringify(app?.status?.conditions ?? []);
            return /ServiceClaim/.test(message) &&
              /not permitted|blacklist|denied/i.test(message)
              ? message
              : undefined;
          },
          180_000,
        );
        expect(platform).toContain('smuggled');
        for (const pop of loop.pops) {
          expect(await loop.claim(pop.name, other, 'intruder')).toBeUndefined();
          expect(
            await loop.claim(pop.name, namespace, 'smuggled'),
          ).toBeUndefined();
          expect(
            await loop.object(pop.name, 'v1', 'ConfigMap', namespace, 'rogue'),
          ).toBeUndefined();
        }

        // The fix, committed by a person: Argo CD's retry moves to it.
        commitAsPerson('Take it back', {
          [`tenants/${tenant}/rogue.yaml`]: null,
          [`tenants/${tenant}/intruder.yaml`]: null,
          'overlays/lagos/smuggled.yaml': null,
          'overlays/lagos/kustomization.yaml': overlay,
        });
        await hop(
          'audit: active once the fix is committed',
          async () =>
            (await service(id))?.status === 'active' ? true : undefined,
          240_000,
        );
      }));

    it('converges through a killed operator, a restarted Argo CD and a git outage', () =>
      explained(async () => {
        const order = async (name: string) => {
          const created = await api('post', '/api/dbaas/v1/services').send({
            name,
            tenant: tenantRef,
            engine: 'postgresql',
            plan: 'shared',
            region: 'lagos',
          });
          expect(created.status).toBe(201);
          const id = created.body.id as string;
          watched = [{ name, id }];
          return id;
        };
        const active = (what: string, id: string) =>
          hop(
            what,
            async () =>
              (await service(id))?.status === 'active' ? true : undefined,
            120_000,
          );
        const lagos = loop.pop('lagos');

        // The lagos operator dies while the database is being provisioned
        // (CloudNativePG still setting it up), which finishes while it is
        // down; the operator comes back and reports it.
        await lagos.standIn!.setPhase(`${namespace}/crash`, 'provisioning');
        const crash = await order('crash');
        await hop('crash: provisioning on lagos', async () =>
          (await loop.claim('lagos', namespace, 'crash'))?.status?.phase ===
          'Provisioning'
            ? true
            : undefined,
        );
        await lagos.operator!.kill();
        await lagos.standIn!.setPhase(`${namespace}/crash`, 'healthy');
        await new Promise(resolve => setTimeout(resolve, 2_000));
        expect((await service(crash))?.status).toBe('provisioning');
        await lagos.operator!.restart();
        await active('crash: active after the operator came back', crash);

        // Argo CD restarts (controllers and repo-server) during a sync.
        // At once: the portal's refresh and Argo CD's sync are under way.
        const restart = await order('restart');
        await restartService('argocd');
        expect(show(`tenants/${tenant}/restart.yaml`)).toBeDefined();
        // The portal asks again when Argo CD did not act on its refresh.
        await hop(
          'restart: active after Argo CD restarted',
          async () =>
            (await service(restart))?.status === 'active' ? true : undefined,
          120_000,
        );

        // The git server is gone for 30 s while a database is ordered.
        loop.cutGitServer();
        const outage = await order('outage');
        const cut = await hop(
          'outage: Argo CD cannot fetch, on the timeline',
          async () =>
            (
              await service(outage)
            )?.timeline.find(step => step.step === 'sync-failed'),
          120_000,
        );
        expect(cut.detail).toMatch(/git|repository|connection refused|fetch/i);
        await new Promise(resolve => setTimeout(resolve, 30_000));
        await restartService('gitserver');
        // The portal asks Argo CD to look again every 30 s while it shows the
        // failure; Argo CD alone would wait for its next reconciliation.
        await hop(
          'outage: active after the git server came back',
          async () =>
            (await service(outage))?.status === 'active' ? true : undefined,
          90_000,
        );

        // Nothing lost or duplicated: one claim and one engine cluster each,
        // on the primary PoP, and one commit adding each claim.
        for (const name of ['crash', 'restart', 'outage']) {
          const clusters = (
            await loop.list(
              'lagos',
              'postgresql.cnpg.io/v1',
              'Cluster',
              namespace,
            )
          ).filter(c => c.metadata?.name === name);
          expect(clusters).toHaveLength(1);
          const added = execFileSync(
            'git',
            [
              `--git-dir=${gitdir}`,
              'log',
              '--format=%H',
              '--diff-filter=A',
              'main',
              '--',
              `tenants/${tenant}/${name}.yaml`,
            ],
            { encoding: 'utf8' },
          )
            .trim()
            .split('\n');
          expect(added).toHaveLength(1);
        }
      }));

    // eslint-disable-next-line jest/expect-expect
    it('orders, scales, backs up, restores and decommissions a global PostgreSQL through both PoPs', () =>
      explained(async () => {
        const name = 'ledger';
        const created = await api('post', '/api/dbaas/v1/services').send({
          name,
          tenant: tenantRef,
          engine: 'postgresql',
          plan: 'global',
          region: 'lagos',
          config: { regions: ['lagos', 'frankfurt'] },
        });
        expect(created.status).toBe(201);
        const id = created.body.id as string;
        watched = [{ name, id }];

        const file = `tenants/${tenant}/${name}.yaml`;
        await hop('ledger: committed', async () => show(file));
        expect(show(`argocd/tenants/${tenant}.yaml`)).toContain(
          `name: dbaas-tenant-${tenant}`,
        );
        for (const pop of loop.pops) {
          await hop(`ledger: Application ${pop.name}-${tenant}`, () =>
            loop.application(`${pop.name}-${tenant}`),
          );
        }
        for (const pop of loop.pops) {
          await hop(`ledger: claim synced to ${pop.name}`, () =>
            loop.claim(pop.name, namespace, name),
          );
        }
        // Each PoP's operator renders its share: the primary cluster in
        // lagos, a replica cluster in frankfurt.
        const cluster = (pop: string) =>
          loop.list(pop, 'postgresql.cnpg.io/v1', 'Cluster', namespace);
        for (const pop of loop.pops) {
          await hop(`ledger: engine resource in ${pop.name}`, async () => {
            const clusters = await cluster(pop.name);
            return clusters.length > 0 ? clusters : undefined;
          });
        }
        const active = await hop('ledger: active in the API', async () => {
          const found = await service(id);
          return found?.status === 'active' ? found : undefined;
        });
        const synced = active.timeline
          .filter(s => s.step === 'synced')
          .map(s => s.cluster)
          .sort();
        expect(synced).toEqual(['frankfurt', 'lagos']);
        expect(active.timeline.map(s => s.step)).toEqual(
          expect.arrayContaining(['committed', 'provisioning', 'active']),
        );
        expect(active.connection?.host).toEqual(expect.any(String));
        await hop('ledger: catalog entity Active', async () => {
          const response = await api(
            'get',
            `/api/catalog/entities/by-name/resource/default/${tenant}.${name}`,
          );
          return (response.body as Entity).metadata?.annotations?.[
            'dbaas.io/phase'
          ] === 'Active'
            ? true
            : undefined;
        });

        // Scale: a new generation goes the same way round.
        const scaled = await api(
          'post',
          `/api/dbaas/v1/services/${id}/scale`,
        ).send({ cpu: '8' });
        expect(scaled.status).toBeLessThan(300);
        const generation = (await service(id))!.generation;
        expect(generation).toBe(2);
        await hop('ledger: generation 2 on both PoPs', async () => {
          const claims = await Promise.all(
            loop.pops.map(pop => loop.claim(pop.name, namespace, name)),
          );
          return claims.every(c => c?.status?.observedGeneration === 2)
            ? true
            : undefined;
        });
        await hop('ledger: generation 2 active in the API', async () => {
          const found = await service(id);
          return found?.status === 'active' && found.observedGeneration === 2
            ? true
            : undefined;
        });

        // A backup on demand: the request rides on the claim to the primary
        // PoP, whose operator has CloudNativePG take it.
        const backup = await api(
          'post',
          `/api/dbaas/v1/services/${id}/backups`,
        ).send({ description: 'Before the migration' });
        expect(backup.status).toBe(201);
        await hop('ledger: backup completed', async () => {
          const { body } = await api(
            'get',
            `/api/dbaas/v1/services/${id}/backups`,
          );
          const found = (
            body.data as { id: string; status: string }[] | undefined
          )?.find(b => b.id === backup.body.id);
          return found?.status === 'completed' ? found : undefined;
        });

        // Restore: the backup into a new database, which goes the same way
        // round; lagos's operator bootstraps its Cluster from the backup in
        // ledger's archive, named by the id CloudNativePG reported.
        const restored = await api(
          'post',
          `/api/dbaas/v1/services/${id}/restore`,
        ).send({ backupId: backup.body.id, targetName: 'ledger-copy' });
        expect(restored.status).toBe(202);
        const copyId = restored.body.targetServiceId as string;
        watched = [
          { name, id },
          { name: 'ledger-copy', id: copyId },
        ];
        const recovering = await hop(
          'ledger-copy: Cluster recovering in lagos',
          async () =>
            (
              await cluster('lagos')
            ).find(c => c.metadata?.name === 'ledger-copy'),
        );
        expect(recovering.spec.bootstrap).toEqual({
          recovery: {
            source: 'restore-source',
            database: 'app',
            owner: 'app',
            recoveryTarget: {
              backupID: expect.stringMatching(/^[0-9]{8}T[0-9]{6}$/),
              targetImmediate: true,
            },
          },
        });
        await hop('ledger-copy: restore completed', async () => {
          const { body } = await api(
            'get',
            `/api/dbaas/v1/services/${id}/restores/${restored.body.restoreId}`,
          );
          return body.status === 'completed' ? body : undefined;
        });
        const copy = (await service(copyId))!;
        expect(copy.status).toBe('active');
        expect(copy.restoredFrom?.serviceId).toBe(id);
        await api('delete', `/api/dbaas/v1/services/${copyId}`);
        watched = [{ name, id }];

        // A restore drill on the schedule (ledger is Active, global, and has
        // a restorable backup): a scratch database restored from it in lagos
        // alone, ready, measured, and deleted again.
        const drill = await hop('ledger: restore drill passed', async () => {
          const { body } = await api(
            'get',
            `/api/dbaas/v1/services/${id}/drills`,
          );
          const latest = body.data?.[0];
          return latest?.status === 'passed' ? latest : undefined;
        });
        // The latest restorable backup when it started: the manual one, or
        // the backup CloudNativePG took as soon as the schedule existed
        // (`immediate`), if the drill ran before the manual one completed.
        const { body: backups } = await api(
          'get',
          `/api/dbaas/v1/services/${id}/backups`,
        );
        expect(
          (backups.data as { id: string; status: string }[])
            .filter(b => b.status === 'completed')
            .map(b => b.id),
        ).toContain(drill.backupId);
        expect(drill).toMatchObject({
          requestedBy: 'dbaas:restore-drills',
          rtoSeconds: expect.any(Number),
          rpoSeconds: expect.any(Number),
        });
        await hop('ledger: drill scratch database pruned', async () => {
          const scratch = await loop.claim(
            'lagos',
            namespace,
            drill.scratchName,
          );
          return scratch ? undefined : true;
        });

        // Decommission: the removal is committed, Argo CD prunes the claim
        // on both PoPs, each operator lets it go, the portal forgets it.
        const deleted = await api('delete', `/api/dbaas/v1/services/${id}`);
        expect(deleted.status).toBeLessThan(300);
        await hop('ledger: removal committed', async () =>
          show(file) === undefined ? true : undefined,
        );
        for (const pop of loop.pops) {
          await hop(`ledger: claim pruned from ${pop.name}`, async () =>
            (await loop.claim(pop.name, namespace, name)) ? undefined : true,
          );
        }
        await hop('ledger: gone from the API', async () => {
          const response = await api('get', `/api/dbaas/v1/services/${id}`);
          return response.status === 404 ? true : undefined;
        });
        await hop('ledger: catalog entity gone', async () => {
          const response = await api(
            'get',
            `/api/catalog/entities/by-name/resource/default/${tenant}.${name}`,
          );
          return response.status === 404 ? true : undefined;
        });
        for (const pop of loop.pops) {
          expect(
            (await cluster(pop.name)).map(c => c.metadata?.name),
          ).not.toContain(name);
        }
      }));
  },
);
