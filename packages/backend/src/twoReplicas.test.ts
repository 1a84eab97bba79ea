import { mockCredentials } from '@backstage/backend-test-utils';
import {
  applyManifests,
  describeWithServices,
  eventually,
  installCrds,
  kubeConfigFrom,
  loadCrds,
  repoRoot,
  takeKafkaTurn,
} from '@internal/test-services';
import {
  examplePops,
  popEntity,
} from '@internal/backstage-plugin-dbaas-common/testUtils';
import yaml from 'js-yaml';
import { Kafka, logLevel } from 'kafkajs';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Client } from 'pg';
import request from 'supertest';
import { startReplica } from './__testUtils__/startReplica';

jest.setTimeout(120_000);

type Replica = Awaited<ReturnType<typeof startReplica>>;
type TimelineStep = { step: string; cluster?: string; detail?: string };
type ServiceDetails = {
  id: string;
  name: string;
  status: string;
  timeline: TimelineStep[];
  gitops?: { path: string; commitSha: string };
};
/** What the test reads of an audit event (`GET /audit-logs`, the Kafka topic). */
type AuditEvent = { id: string; action: string; resourceId: string };

const RATE_LIMIT = 10;

/**
 * The Helm chart's deployment (charts/dbaas-portal, replicaCount 2): two
 * backends on one PostgreSQL, one GitOps repository, one Kafka and the
 * clusters they both watch. Whichever replica a request lands on, the portal
 * must behave as one.
 */
describeWithServices(
  ['postgres', 'kafka', 'kube'],
  'two backend replicas on one PostgreSQL',
  env => {
    const run = `${Date.now().toString(36)}${process.pid}`;
    // A database per plugin, named with this prefix: nothing of other suites.
    const prefix = `replicas_${run}_`;
    const figures: string[] = [];

    const connection = {
      host: env.DBAAS_POSTGRES_HOST,
      port: Number(env.DBAAS_POSTGRES_PORT),
      user: env.DBAAS_POSTGRES_USER,
    };

    /** A client of one database of the PostgreSQL server. */
    async function withDatabase<T>(
      database: string,
      fn: (client: Client) => Promise<T>,
    ): Promise<T> {
      const client = new Client({ ...connection, database });
      await client.connect();
      try {
        return await fn(client);
      } finally {
        await client.end();
      }
    }

    const databasesNamed = (start: string) =>
      withDatabase('postgres', async client => {
        const { rows } = await client.query(
          'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
          [start],
        );
        return rows.map(row => row.datname as string);
      });

    afterAll(async () => {
      // eslint-disable-next-line no-console
      console.log(`Two replicas:\n  ${figures.join('\n  ')}`);
      await withDatabase('postgres', async client => {
        for (const database of await databasesNamed(prefix)) {
          await client.query(`DROP DATABASE "${database}" WITH (FORCE)`);
        }
      });
    });

    it('runs every plugin’s migrations once when two portals start together on an empty database', async () => {
      const migrations = fs
        .readdirSync(path.join(repoRoot, 'plugins/dbaas-backend/migrations'))
        .filter(file => file.endsWith('.js'))
        .sort();
      // The race is one of milliseconds: a few fresh databases, so that a
      // regression cannot pass by luck.
      for (const round of [1, 2, 3]) {
        const options = {
          memberships: {},
          config: {
            backend: {
              database: {
                client: 'pg',
                connection,
                prefix: `${prefix}start${round}_`,
              },
            },
            dbaas: { restoreDrills: { enabled: false } },
          },
        };
        const started = performance.now();
        const replicas = await Promise.allSettled([
          startReplica(`start${round}-a`, options),
          startReplica(`start${round}-b`, options),
        ]);
        figures.push(
          `round ${round}: the whole portal started twice at once in ${Math.round(
            performance.now() - started,
          )} ms`,
        );
        await Promise.all(
          replicas.map(r => (r.status === 'fulfilled' ? r.value.stop() : null)),
        );
        expect(
          replicas.map(r => (r.status === 'fulfilled' ? 'started' : r.reason)),
        ).toEqual(['started', 'started']);

        // Two lock rows would make every later start fail with MigrationLocked.
        for (const plugin of ['dbaas', 'catalog', 'scaffolder']) {
          const lockRows = await withDatabase(
            `${prefix}start${round}_${plugin}`,
            async client =>
              (
                await client.query('SELECT * FROM knex_migrations_lock')
              ).rows,
          );
          expect({ plugin, lockRows }).toEqual({
            plugin,
            lockRows: [{ index: 1, is_locked: 0 }],
          });
        }
        const applied = await withDatabase(
          `${prefix}start${round}_dbaas`,
          async client =>
            (
              await client.query('SELECT name FROM knex_migrations ORDER BY id')
            ).rows.map(row => row.name as string),
        );
        expect(applied).toEqual(migrations);
      }
    });

    describe('the whole portal, twice', () => {
      const organization = `replicas-org-${run}`;
      const tenant = `replicas-${run}`;
      const tenantRef = `group:default/${tenant}`;
      const namespace = `tenant-${tenant}`;
      const ada = 'user:default/ada';
      const ben = 'user:default/ben';
      const vera = 'user:default/vera';
      const rita = 'user:default/rita';
      const root = 'user:default/root';
      const kc = kubeConfigFrom(env);

      let dir: string;
      let gitdir: string;
      const replicas: Partial<Record<'a' | 'b', Replica>> = {};

      const server = (name: 'a' | 'b'): Server => {
        const replica = replicas[name];
        if (!replica) throw new Error(`replica ${name} did not start`);
        return replica.server;
      };
      const as = (user: string) => mockCredentials.user.header(user);

      const git = (...args: string[]) =>
        execFileSync('git', [`--git-dir=${gitdir}`, ...args], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        }).trim();
      const lines = (text: string) => text.split('\n').filter(Boolean);

      /** Writes a claim's status, as the PoP's ServiceClaim operator does. */
      async function patchClaimStatus(name: string, status: object) {
        const url = new URL(
          `/apis/dbaas.io/v1alpha1/namespaces/${namespace}/serviceclaims/${name}/status`,
          kc.getCurrentCluster()!.server,
        );
        const options: https.RequestOptions = {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/merge-patch+json' },
        };
        await kc.applyToHTTPSOptions(options);
        await new Promise<void>((resolve, reject) => {
          const req = https.request(url, options, res => {
            let body = '';
            res.on('data', chunk => {
              body += chunk;
            });
            res.on('end', () =>
              res.statusCode === 200
                ? resolve()
                : reject(new Error(`${res.statusCode} ${body}`)),
            );
          });
          req.on('error', reject);
          req.end(JSON.stringify({ status }));
        });
      }

      beforeAll(async () => {
        await installCrds(
          kc,
          loadCrds().filter(
            c => c.crd.metadata?.name === 'serviceclaims.dbaas.io',
          ),
        );
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-two-replicas-'));
        gitdir = path.join(dir, 'gitops.git');
        const orgFile = path.join(dir, 'org.yaml');
        fs.writeFileSync(
          orgFile,
          [
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Group',
              metadata: { name: organization },
              spec: { type: 'organization', children: [tenant] },
            },
            {
              apiVersion: 'backstage.io/v1alpha1',
              kind: 'Group',
              metadata: { name: tenant },
              spec: { type: 'team', parent: organization, children: [] },
            },
            ...examplePops.map(pop => popEntity(pop)),
          ]
            .map(entity => yaml.dump(entity))
            .join('---\n'),
        );
        const options = {
          memberships: {
            [ada]: [tenantRef],
            [ben]: [tenantRef],
            [vera]: [tenantRef],
            [root]: ['group:default/platform'],
          },
          config: {
            backend: {
              database: {
                client: 'pg',
                connection,
                prefix: `${prefix}portal_`,
              },
            },
            catalog: {
              rules: [{ allow: ['Group', 'Resource'] }],
              locations: [{ type: 'file', target: orgFile }],
            },
            permission: { enabled: true },
            dbaas: {
              permissions: { platformAdmins: ['group:default/platform'] },
              rateLimit: { requestsPerMinute: RATE_LIMIT },
              // Both replicas commit to this one repository, each from a
              // working copy of its own.
              gitops: { localPath: gitdir },
              audit: {
                kafka: { brokers: env.DBAAS_KAFKA_BROKERS.split(',') },
              },
              restoreDrills: { enabled: false },
            },
            // The PoP both replicas watch, named after its region.
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'lagos',
                      url: env.DBAAS_KUBE_API_URL,
                      authProvider: 'serviceAccount',
                      serviceAccountToken: env.DBAAS_KUBE_TOKEN,
                      caData: kc.getCurrentCluster()!.caData,
                    },
                  ],
                },
              ],
            },
          },
        };
        // One after the other: both create the local GitOps repository of
        // `localPath` on their first start, which only the embedded defaults'
        // single process uses. Starting together is the first test's.
        const started = performance.now();
        replicas.a = await startReplica('replica-a', options);
        replicas.b = await startReplica('replica-b', options);
        figures.push(
          `the whole portal started twice, one after the other, in ${Math.round(
            performance.now() - started,
          )} ms`,
        );
        // Whichever replica's catalog reads the location, both serve it.
        await eventually(
          `${tenantRef} in the catalog`,
          async () =>
            (
              await request(server('b'))
                .get(`/api/catalog/entities/by-name/group/default/${tenant}`)
                .set('Authorization', as(root))
            ).status === 200,
          { timeoutMs: 60_000, intervalMs: 250 },
        );
      });

      afterAll(async () => {
        await Promise.all([replicas.a?.stop(), replicas.b?.stop()]);
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
      });

      it('counts the API rate limit across both replicas', async () => {
        const skus = (name: 'a' | 'b') =>
          request(server(name))
            .get('/api/dbaas/v1/catalog/skus')
            .set('Authorization', as(rita));
        // Windows are the clock's minutes on every replica: start well inside one.
        const leftInMinute = 60_000 - (Date.now() % 60_000);
        if (leftInMinute < 15_000) await delay(leftInMinute + 100);

        const statuses: number[] = [];
        for (let i = 0; i < 6; i++) statuses.push((await skus('a')).status);
        for (let i = 0; i < 4; i++) statuses.push((await skus('b')).status);
        expect(statuses).toEqual(Array(RATE_LIMIT).fill(200));

        const refused = await skus('b');
        expect(refused.status).toBe(429);
        expect(refused.body.error.code).toBe('QUOTA_EXCEEDED');
        const retryAfter = Number(refused.headers['retry-after']);
        expect(retryAfter).toBeGreaterThanOrEqual(1);
        expect(retryAfter).toBeLessThanOrEqual(60);
        expect((await skus('a')).status).toBe(429);
      });

      // The databases the next test creates, half through each replica.
      const created: ServiceDetails[] = [];

      it('commits each database once, whichever replica took the request', async () => {
        const create = (name: 'a' | 'b', user: string, db: string) =>
          request(server(name))
            .post('/api/dbaas/v1/services')
            .set('Authorization', as(user))
            .send({
              name: db,
              tenant: tenantRef,
              engine: 'postgresql',
              plan: 'shared',
              region: 'lagos',
            });
        const started = performance.now();
        // At once, so that both replicas' publishers have changes to race for.
        const answers = await Promise.all([
          create('a', ada, 'orders-a1'),
          create('a', ada, 'orders-a2'),
          create('a', ada, 'orders-a3'),
          create('b', ben, 'orders-b1'),
          create('b', ben, 'orders-b2'),
          create('b', ben, 'orders-b3'),
        ]);
        expect(answers.map(answer => answer.status)).toEqual(
          Array(6).fill(201),
        );
        created.push(...answers.map(answer => answer.body as ServiceDetails));

        // Nothing left to write: no publisher can write any of them again.
        await eventually(
          'the GitOps outbox empty',
          () =>
            withDatabase(`${prefix}portal_dbaas`, async client => {
              const { rows } = await client.query(
                'SELECT count(*) AS waiting FROM gitops_outbox',
              );
              return Number(rows[0].waiting) === 0;
            }),
          { timeoutMs: 60_000, intervalMs: 250 },
        );
        figures.push(
          `6 databases created and committed in ${Math.round(
            performance.now() - started,
          )} ms`,
        );

        const folder = `tenants/${tenant}`;
        expect(
          lines(git('ls-tree', '--name-only', 'main', `${folder}/`)).sort(),
        ).toEqual(created.map(db => `${folder}/${db.name}.yaml`).sort());
        const shas = new Map<string, string>();
        for (const db of created) {
          const claim = `${folder}/${db.name}.yaml`;
          const commits = lines(git('log', '--format=%H', 'main', '--', claim));
          expect({ claim, commits: commits.length }).toEqual({
            claim,
            commits: 1,
          });
          shas.set(db.id, commits[0]);
          expect(git('show', `main:${claim}`)).toContain(db.id);
        }
        // Each replica brings the layout up to date as it starts: once is news.
        expect(
          lines(
            git('log', '--format=%H', 'main', '--', 'argocd/bootstrap.yaml'),
          ),
        ).toHaveLength(1);
        figures.push(
          `commits in the repository: ${
            lines(git('log', '--format=%H', 'main')).length
          }`,
        );

        // Each database's timeline says it was committed once, in that commit;
        // asked of the other replica than the one that created it.
        for (const [i, db] of created.entries()) {
          const { body } = await request(server(i < 3 ? 'b' : 'a'))
            .get(`/api/dbaas/v1/services/${db.id}`)
            .set('Authorization', as(i < 3 ? ada : ben))
            .expect(200);
          const details = body as ServiceDetails;
          expect(details.gitops?.commitSha).toBe(shas.get(db.id));
          expect(
            details.timeline.filter(step => step.step === 'committed'),
          ).toEqual([expect.objectContaining({ detail: shas.get(db.id) })]);
        }
      });

      it('publishes each audit event of the creates to Kafka once', async () => {
        expect(created).toHaveLength(6);
        const ids = new Set(created.map(db => db.id));
        const { body } = await request(server('a'))
          .get('/api/dbaas/v1/audit-logs')
          .query({ tenant: tenantRef, limit: 100 })
          .set('Authorization', as(root))
          .expect(200);
        const events = (body.data as AuditEvent[]).filter(event =>
          ids.has(event.resourceId),
        );
        expect(events.length).toBeGreaterThanOrEqual(created.length);
        const expected = new Set(events.map(event => event.id));

        const seen = new Map<string, number>();
        const kafka = new Kafka({
          clientId: 'dbaas-two-replicas-test',
          brokers: env.DBAAS_KAFKA_BROKERS.split(','),
          logLevel: logLevel.NOTHING,
        });
        const consumer = kafka.consumer({
          groupId: `dbaas-two-replicas-${run}`,
        });
        // Other suites restart the stack's Kafka (the CDC and Kafka tests):
        // the reader takes a turn with it, and none does while it reads.
        const letGo = await takeKafkaTurn(
          'twoReplicas.test.ts (packages/backend)',
        );
        try {
          await consumer.connect();
          const started = performance.now();
          // A broker that just came back answers "does not host this
          // topic-partition" for a moment. The relays ride that out (the
          // outbox); the reader here does too.
          await eventually(
            'subscribed to the tenant audit topic',
            async () => {
              try {
                await consumer.subscribe({
                  topics: [`dbaas.audit.${tenant}`],
                  fromBeginning: true,
                });
                return true;
              } catch (error) {
                if ((error as { retriable?: boolean }).retriable) {
                  return undefined;
                }
                throw error;
              }
            },
            { timeoutMs: 60_000, intervalMs: 500 },
          );
          await consumer.run({
            eachMessage: async ({ message }) => {
              const event: AuditEvent = JSON.parse(message.value!.toString());
              seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
            },
          });
          await eventually(
            'every audit event on the topic',
            () => [...expected].every(id => seen.has(id)),
            { timeoutMs: 60_000, intervalMs: 100 },
          );
          figures.push(
            `${expected.size} audit events (${[
              ...new Set(events.map(e => e.action)),
            ].join(', ')}) read from Kafka in ${Math.round(
              performance.now() - started,
            )} ms`,
          );
          // Both relays look every second: a second copy would come right behind.
          await delay(2_500);
        } finally {
          await consumer.disconnect();
          letGo();
        }
        expect([...seen].filter(([, times]) => times > 1)).toEqual([]);
        expect([...seen.keys()].filter(id => !expected.has(id))).toEqual([]);
      });

      it('records what the cluster reports once, though both replicas watch it', async () => {
        expect(created).toHaveLength(6);
        const db = created[0];
        // What Argo CD does with the commit: applies the tenant's namespace
        // and the claim as committed.
        await applyManifests(kc, [
          {
            apiVersion: 'v1',
            kind: 'Namespace',
            metadata: { name: namespace },
          },
        ]);
        await applyManifests(
          kc,
          git('show', `main:tenants/${tenant}/${db.name}.yaml`),
          { namespace },
        );
        const statusOf = async () =>
          withDatabase(`${prefix}portal_dbaas`, async client => {
            const { rows } = await client.query(
              'SELECT status FROM service_instances WHERE id = $1',
              [db.id],
            );
            return rows[0]?.status as string | undefined;
          });
        await patchClaimStatus(db.name, {
          phase: 'Provisioning',
          observedGeneration: 1,
        });
        await eventually(
          'Provisioning recorded',
          async () => (await statusOf()) === 'Provisioning',
          { timeoutMs: 30_000, intervalMs: 100 },
        );
        await patchClaimStatus(db.name, {
          phase: 'Active',
          observedGeneration: 1,
        });
        await eventually(
          'Active recorded',
          async () => (await statusOf()) === 'Active',
          { timeoutMs: 30_000, intervalMs: 100 },
        );
        // Both watchers hear each change within milliseconds of each other.
        await delay(1_000);

        const { body } = await request(server('b'))
          .get(`/api/dbaas/v1/services/${db.id}`)
          .set('Authorization', as(vera))
          .expect(200);
        const details = body as ServiceDetails;
        expect(details.status).toBe('active');
        expect(
          details.timeline
            .filter(step =>
              ['synced', 'provisioning', 'active'].includes(step.step),
            )
            .map(step => `${step.step} ${step.cluster ?? ''}`.trim()),
        ).toEqual(['synced lagos', 'provisioning lagos', 'active lagos']);
      });
    });
  },
);
