import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  CDC_TOPIC_RETENTION_MS,
  type CdcPipeline,
} from '@internal/backstage-plugin-dbaas-common';
import {
  cdcCredentialsStandIn,
  describeWithServices,
  eventually,
  kubeConfigFrom,
  restartService,
} from '@internal/test-services';
import { setTimeout as delay } from 'node:timers/promises';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { claimBody } from '../__testUtils__/claimBody';
import {
  claimApi,
  reconcileOnKube,
} from '../reconcile/__testUtils__/reconcileOnKube';
import { reconcileClaim } from '../reconcile/reconcileClaim';
import type { ReconcileDeps } from '../reconcile/ReconcileDeps';
import { CDC_USER } from '../render/credentials';
import { KafkaConnect } from './KafkaConnect';
import { cdcConfigFrom } from '../configFromEnv';
import { cdcDeps, closeCdcDeps } from './reconcileCdc';

jest.setTimeout(180_000);

type ChangeEvent = { op: string; before: any; after: any };

// The operator's CDC step against the real thing: a kube-apiserver for the
// claim, PostgreSQL with logical WAL standing in for the claim's CloudNativePG
// cluster, Kafka, and Kafka Connect with Debezium's PostgreSQL connector.
// Two stand-ins, named: the test makes the CDC role as CloudNativePG's managed
// roles would (from the claim's `<claim>-cdc` Secret), and puts the password
// where Connect's DirectoryConfigProvider reads it, as Strimzi's Kubernetes
// config provider would read it from the Secret on a PoP.
describeWithServices(
  ['kube', 'postgres', 'kafka', 'connect'],
  'CDC pipelines on Kafka Connect',
  env => {
    const kube = reconcileOnKube(env, 'cdc');
    const { namespace } = kube;
    const tenant = namespace.replace(/^tenant-/, '');
    const database = `cdc_${Date.now().toString(36)}`;
    const connect = new KafkaConnect(env.DBAAS_KAFKA_CONNECT_URL);
    const kafka = new Kafka({
      clientId: 'cdc-test',
      brokers: env.DBAAS_KAFKA_BROKERS.split(','),
      logLevel: logLevel.NOTHING,
    });
    let superuser: Client;
    let db: Client;
    let deps: ReconcileDeps;

    const reconcile = (name: string) =>
      reconcileClaim(deps, `${namespace}/${name}`);
    const reported = async (name: string, pipeline: string) =>
      (await kube.getClaim(name)).status?.cdc?.find(p => p.name === pipeline);
    /** Reconciles until the pipeline reads `state`. */
    const until = async (name: string, pipeline: string, state: string) =>
      eventually(
        `${pipeline} ${state}`,
        async () => {
          await reconcile(name);
          return (await reported(name, pipeline))?.state === state;
        },
        { timeoutMs: 90_000 },
      );
    const createClaim = async (name: string, pipelines: CdcPipeline[]) => {
      await kube.createClaim(
        claimBody(namespace, name, {
          edit: spec => {
            spec.cdc = { pipelines };
          },
        }),
      );
    };
    /** What CloudNativePG and Strimzi's config provider would do with `<claim>-cdc`. */
    const standInForCnpgAndStrimzi = async (name: string) => {
      const core = kubeConfigFrom(env).makeApiClient(CoreV1Api);
      const secret = await core.readNamespacedSecret({
        name: `${name}-cdc`,
        namespace,
      });
      await cdcCredentialsStandIn({
        superuser,
        user: CDC_USER,
        owner: `${database}_app`,
        password: Buffer.from(secret.data!.password, 'base64').toString(),
        secretsDir: env.DBAAS_KAFKA_CONNECT_SECRETS_DIR,
        namespace,
        secret: `${name}-cdc`,
      });
    };

    /**
     * Slots are the PostgreSQL server's, not a database's: on a PoP each claim
     * has a cluster of its own, here every run shares one server, so a run
     * drops the CDC slots earlier runs left (and, at its end, its own).
     */
    const dropLeftSlots = () =>
      superuser.query(
        `SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
          WHERE slot_name LIKE 'dbaas\\_cdc\\_%' AND NOT active`,
      );

    beforeAll(async () => {
      superuser = new Client({ connectionString: env.DBAAS_POSTGRES_URL });
      await superuser.connect();
      await dropLeftSlots();
      // As CloudNativePG's `app`: a role that owns the database and its tables.
      await superuser.query(`CREATE ROLE ${database}_app`);
      await superuser.query(
        `CREATE DATABASE ${database} OWNER ${database}_app`,
      );
      db = new Client({
        host: env.DBAAS_POSTGRES_HOST,
        port: Number(env.DBAAS_POSTGRES_PORT),
        user: env.DBAAS_POSTGRES_USER,
        database,
      });
      await db.connect();
      for (const table of ['orders', 'customers']) {
        await db.query(
          `CREATE TABLE public.${table} (id integer PRIMARY KEY, item text NOT NULL)`,
        );
        await db.query(`ALTER TABLE public.${table} OWNER TO ${database}_app`);
      }
      await db.query(`INSERT INTO public.orders VALUES (1, 'before')`);
      deps = {
        ...kube.deps,
        cdc: cdcDeps(
          cdcConfigFrom({
            DBAAS_KAFKA_CONNECT_URL: env.DBAAS_KAFKA_CONNECT_URL,
            DBAAS_KAFKA_BROKERS: env.DBAAS_KAFKA_BROKERS,
            DBAAS_CDC_SECRET_REFERENCE: `\${dir:${env.DBAAS_KAFKA_CONNECT_SECRETS_DIR}/{namespace}/{name}:{key}}`,
            DBAAS_KAFKA_TENANT_BOOTSTRAP: env.DBAAS_KAFKA_TENANT_BROKERS,
          })!,
          kube.deps.objects,
          {
            pop: `${kube.deps.context.pop}-${namespace}`,
            logger: kube.deps.logger,
            endpoint: () => ({
              host: env.DBAAS_POSTGRES_HOST,
              port: Number(env.DBAAS_POSTGRES_PORT),
              database,
            }),
          },
        ),
      };
    });

    afterAll(async () => {
      for (const name of await connect.list().catch(() => [])) {
        if (name.includes(namespace)) await connect.delete(name);
      }
      if (deps?.cdc) await closeCdcDeps(deps.cdc);
      await db?.end();
      // Its connectors stop within seconds; then their slots can go.
      await eventually(
        'the CDC slots dropped',
        async () =>
          (await dropLeftSlots().catch(() => undefined)) !== undefined &&
          (
            await superuser.query(
              `SELECT 1 FROM pg_replication_slots WHERE slot_name LIKE 'dbaas\\_cdc\\_%'`,
            )
          ).rowCount === 0,
        { timeoutMs: 30_000 },
      ).catch(() => undefined);
      await superuser?.end();
    });

    it("streams the pipeline's tables, and nothing else, into the seed-named topics", async () => {
      await createClaim('ledger', [
        { name: 'orders', tables: ['public.orders'] },
      ]);
      await reconcile('ledger');
      await standInForCnpgAndStrimzi('ledger');
      await until('ledger', 'orders', 'running');

      const topic = `dbaas.cdc.postgresql.${tenant}.public.orders`;
      const report = await reported('ledger', 'orders');
      expect(report).toMatchObject({
        connector: `dbaas.${namespace}.ledger.orders`,
        topics: [topic],
        deadLetterTopic: `dbaas.cdc.postgresql.${tenant}.dlq-ledger-orders`,
      });
      // The password is named, never written, in the connector's config.
      const config = await connect.config(report!.connector);
      expect(config?.['database.password']).toMatch(/^\$\{dir:.*:password\}$/);
      // Made by the operator with the CDC retention, before Debezium wrote.
      const admin = kafka.admin();
      await admin.connect();
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }],
      });
      expect(
        described.resources[0].configEntries.find(
          e => e.configName === 'retention.ms',
        )?.configValue,
      ).toBe(String(CDC_TOPIC_RETENTION_MS));
      await admin.disconnect();

      const events: ChangeEvent[] = [];
      const consumer = kafka.consumer({ groupId: `${namespace}-readers` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.value) events.push(JSON.parse(message.value.toString()));
        },
      });
      await db.query(`INSERT INTO public.orders VALUES (2, 'widget')`);
      await db.query(`INSERT INTO public.customers VALUES (1, 'not captured')`);
      await db.query(`UPDATE public.orders SET item = 'gadget' WHERE id = 2`);
      await db.query(`DELETE FROM public.orders WHERE id = 2`);
      await eventually('four change events', async () => events.length >= 4, {
        timeoutMs: 60_000,
      });
      await consumer.disconnect();
      // The row there before (the snapshot), then each change, in order.
      expect(events.map(e => e.op)).toEqual(['r', 'c', 'u', 'd']);
      expect(events[1].after).toEqual({ id: 2, item: 'widget' });
      expect(events[2].after).toEqual({ id: 2, item: 'gadget' });
      expect(events[3].before).toMatchObject({ id: 2 });
      const topics = await kafka.admin().listTopics();
      expect(topics).not.toContain(
        `dbaas.cdc.postgresql.${tenant}.public.customers`,
      );
    });

    it("lets the tenant's principal read its topics, and no other tenant", async () => {
      const topic = `dbaas.cdc.postgresql.${tenant}.public.orders`;
      // What the CDC tab tells the tenant's developers.
      const access = (await reported('ledger', 'orders'))!.access!;
      expect(access).toEqual({
        bootstrap: env.DBAAS_KAFKA_TENANT_BROKERS,
        mechanism: 'SCRAM-SHA-512',
        principal: `User:tenant-${tenant}`,
        groupPrefix: `tenant-${tenant}.`,
      });
      /** A SCRAM user on the tenants' listener, as the platform makes one per tenant. */
      const user = (name: string) => {
        const password = randomUUID();
        execFileSync(env.DBAAS_KAFKA_USER_TOOL, [name, password]);
        return new Kafka({
          clientId: name,
          brokers: access.bootstrap.split(','),
          sasl: { mechanism: 'scram-sha-512', username: name, password },
          logLevel: logLevel.NOTHING,
        });
      };
      const ours = user(access.principal.replace(/^User:/, ''));
      const theirs = user(`tenant-other-${Date.now().toString(36)}`);

      const ops: string[] = [];
      const consumer = ours.consumer({
        groupId: `${access.groupPrefix}billing`,
      });
      await eventually('the tenant connected', async () => {
        await consumer.connect().catch(() => undefined);
        return consumer
          .subscribe({ topic, fromBeginning: true })
          .then(() => true)
          .catch(() => false);
      });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.value) ops.push(JSON.parse(message.value.toString()).op);
        },
      });
      await eventually('the changes read', async () => ops.length >= 4);
      await consumer.disconnect();
      expect(ops.slice(0, 4)).toEqual(['r', 'c', 'u', 'd']);

      const other = theirs.admin();
      await eventually('the other tenant connected', () =>
        other
          .connect()
          .then(() => true)
          .catch(() => false),
      );
      await expect(
        other.fetchTopicMetadata({ topics: [topic] }),
      ).rejects.toThrow(/authoriz/i);
      await other.disconnect();
      // Nor may the tenant use a consumer group outside its prefix: Kafka
      // will not even say where the group's coordinator is.
      const ourAdmin = ours.admin();
      await ourAdmin.connect();
      await expect(
        ourAdmin.fetchOffsets({
          groupId: 'someone-elses-group',
          topics: [topic],
        }),
      ).rejects.toThrow(/authoriz|coordinator/i);
      await ourAdmin.disconnect();
    });

    it('measures the flow: lag, messages, rate, dead letters and consumer lag', async () => {
      const topic = `dbaas.cdc.postgresql.${tenant}.public.orders`;
      let id = 500;
      let report: Awaited<ReturnType<typeof reported>>;
      // The operator's probe joins its group on the first measure; the
      // changes after that are timed.
      await eventually(
        'the lag measured',
        async () => {
          await db.query(`INSERT INTO public.orders VALUES ($1, 'timed')`, [
            id++,
          ]);
          await delay(1000);
          await reconcile('ledger');
          report = await reported('ledger', 'orders');
          return report?.measured?.lagMs !== undefined;
        },
        { timeoutMs: 60_000 },
      );
      const measured = report!.measured!;
      // Commit to Kafka, well within the seed's second.
      expect(measured.lagMs).toBeLessThan(1000);
      expect(Date.now() - Date.parse(measured.lastChangeAt!)).toBeLessThan(
        30_000,
      );
      // The snapshot's row, the three changes and the delete's tombstone of
      // the first test, then these inserts.
      expect(measured.topics).toEqual([
        expect.objectContaining({ topic, messages: 5 + (id - 500) }),
      ]);
      expect(measured.deadLetters).toBe(0);
      // The tenant's group of the test before read up to there and left;
      // the test's own group is not the tenant's.
      expect(measured.consumerGroups).toEqual([
        { group: `tenant-${tenant}.billing`, lag: expect.any(Number) },
      ]);
      expect(measured.consumerGroups[0].lag).toBeGreaterThanOrEqual(id - 500);

      // A measure a second later gives the rate; then, with nothing moving,
      // the rate reads zero and the status stays as it is.
      for (let i = 0; i < 20; i++) {
        await db.query(`INSERT INTO public.orders VALUES ($1, 'rate')`, [id++]);
      }
      await eventually('the rate measured', async () => {
        await delay(1000);
        await reconcile('ledger');
        const now = (await reported('ledger', 'orders'))!.measured!;
        return now.topics[0].messages === 5 + (id - 500) && now;
      }).then(now => expect(now.topics[0].perSecond).toBeGreaterThan(0));
      await delay(1000);
      await reconcile('ledger');
      const quiet = (await reported('ledger', 'orders'))!.measured!;
      expect(quiet.topics[0].perSecond).toBe(0);
      await delay(1000);
      await reconcile('ledger');
      expect((await reported('ledger', 'orders'))!.measured).toEqual(quiet);
    });

    it('sets a change too large for its topic aside in the dead letter topic, and goes on', async () => {
      const topic = `dbaas.cdc.postgresql.${tenant}.public.orders`;
      const deadLetterTopic = `dbaas.cdc.postgresql.${tenant}.dlq-ledger-orders`;
      const letters: { key: any; value: any; reason?: string }[] = [];
      const created: number[] = [];
      const consumer = kafka.consumer({ groupId: `${namespace}-dead` });
      await consumer.connect();
      await consumer.subscribe({
        topics: [topic, deadLetterTopic],
        fromBeginning: true,
      });
      await consumer.run({
        eachMessage: async ({ topic: from, message }) => {
          if (!message.value) return;
          const value = JSON.parse(message.value.toString());
          if (from === deadLetterTopic) {
            letters.push({
              key: JSON.parse(message.key!.toString()),
              value,
              reason: message.headers?.['dbaas.dead-letter.reason']?.toString(),
            });
          } else if (value.op === 'c') {
            created.push(value.after.id);
          }
        },
      });
      // 2 MB: twice what Kafka takes in one message by default.
      await db.query(`INSERT INTO public.orders VALUES (700, $1)`, [
        'x'.repeat(2_000_000),
      ]);
      await db.query(`INSERT INTO public.orders VALUES (701, 'next')`);
      // Half a megabyte: measured, and written to its topic as it is.
      await db.query(`INSERT INTO public.orders VALUES (702, $1)`, [
        'y'.repeat(500_000),
      ]);
      await eventually(
        'the dead letter, then the next changes',
        async () =>
          letters.length >= 1 && created.includes(701) && created.includes(702),
        { timeoutMs: 60_000 },
      );
      await consumer.disconnect();
      expect(created).not.toContain(700);
      expect(letters).toHaveLength(1);
      const [letter] = letters;
      expect(letter.key).toEqual({ id: 700 });
      expect(letter.value).toMatchObject({
        topic,
        op: 'c',
        max_bytes: 1_000_000,
        source: expect.objectContaining({
          schema: 'public',
          table: 'orders',
          lsn: expect.any(Number),
        }),
      });
      expect(letter.value.bytes).toBeGreaterThan(2_000_000);
      expect(letter.value.reason).toMatch(
        /^The change event is \d+ bytes serialized; a CDC topic takes at most 1000000/,
      );
      expect(letter.reason).toBe(letter.value.reason);
      // The pipeline runs on, and its tab counts the dead letter.
      await reconcile('ledger');
      const report = await reported('ledger', 'orders');
      expect(report?.state).toBe('running');
      expect(report?.measured?.deadLetters).toBe(1);
    });

    it('loses no change when Kafka Connect and then the broker restart mid-stream', async () => {
      const topic = `dbaas.cdc.postgresql.${tenant}.public.orders`;
      const seen = new Map<number, number>();
      const consumer = kafka.consumer({ groupId: `${namespace}-outage` });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const event = message.value && JSON.parse(message.value.toString());
          const id = event?.after?.id;
          if (event?.op === 'c') seen.set(id, (seen.get(id) ?? 0) + 1);
        },
      });
      const ids: number[] = [];
      let next = 1000;
      const write = async (count: number) => {
        for (let i = 0; i < count; i++) {
          ids.push(next);
          await db.query(`INSERT INTO public.orders VALUES ($1, 'outage')`, [
            next++,
          ]);
          await delay(20);
        }
      };
      await write(50);
      const restartingConnect = restartService('connect');
      await write(50);
      await restartingConnect;
      await write(50);
      const restartingKafka = restartService('kafka');
      await write(50);
      await restartingKafka;
      await write(50);
      // At least once: every change arrives; a restart may repeat some.
      await eventually(
        'every change in Kafka',
        async () => ids.every(id => seen.has(id)),
        { timeoutMs: 120_000 },
      );
      await consumer.disconnect();
      expect(ids.filter(id => !seen.has(id))).toEqual([]);
      const repeated = ids.filter(id => seen.get(id)! > 1).length;
      // eslint-disable-next-line no-console
      console.log(
        `CDC across a Connect and a broker restart: ${ids.length} changes, all arrived, ${repeated} more than once`,
      );
      await until('ledger', 'orders', 'running');
    });

    it('pauses, resumes and restarts a pipeline as its claim says', async () => {
      const pipeline = { name: 'orders', tables: ['public.orders'] };
      await kube.patchSpec('ledger', {
        cdc: { pipelines: [{ ...pipeline, paused: true }] },
      });
      await until('ledger', 'orders', 'paused');
      const connector = `dbaas.${namespace}.ledger.orders`;
      expect((await connect.status(connector))?.connector.state).toBe('PAUSED');

      await kube.patchSpec('ledger', {
        cdc: { pipelines: [{ ...pipeline, restart: 'r1' }] },
      });
      await until('ledger', 'orders', 'running');
      expect((await reported('ledger', 'orders'))?.restart).toBe('r1');
    });

    it("fails a pipeline whose table does not exist, with the connector's reason", async () => {
      await createClaim('ghosts', [
        {
          name: 'missing',
          tables: ['public.no_such_table'],
          snapshot: 'never',
        },
      ]);
      await reconcile('ghosts');
      await standInForCnpgAndStrimzi('ghosts');
      await until('ghosts', 'missing', 'failed');
      // Debezium's words: the publication's filter matches no table.
      expect((await reported('ghosts', 'missing'))?.message).toMatch(
        /No table filters found for filtered publication dbaas_cdc_missing/,
      );
    });

    it('deletes a removed pipeline: its connector, slot and publication go, its topic stays', async () => {
      await kube.patchSpec('ledger', { cdc: { pipelines: [] } });
      await eventually(
        'the pipeline removed',
        async () => {
          await reconcile('ledger');
          return (await kube.getClaim('ledger')).status?.cdc === undefined;
        },
        { timeoutMs: 60_000 },
      );
      // Connect's status topic says so a moment after the deletion.
      await eventually(
        'the connector gone',
        async () =>
          (await connect.status(`dbaas.${namespace}.ledger.orders`)) ===
          undefined,
      );
      const left = await db.query(
        `SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'dbaas_cdc_orders' AND database = $1) AS slots,
                (SELECT count(*) FROM pg_publication WHERE pubname = 'dbaas_cdc_orders') AS publications`,
        [database],
      );
      expect(left.rows[0]).toEqual({ slots: '0', publications: '0' });
      expect(await kafka.admin().listTopics()).toContain(
        `dbaas.cdc.postgresql.${tenant}.public.orders`,
      );
    });

    it("deletes a deleted claim's connectors before its database goes", async () => {
      const connector = `dbaas.${namespace}.ghosts.missing`;
      expect(await connect.status(connector)).toBeDefined();
      await kube.custom.deleteNamespacedCustomObject({
        ...claimApi,
        namespace,
        name: 'ghosts',
      });
      // The deletion's first reconcile, before anything else of the claim goes.
      await reconcile('ghosts').catch(() => undefined);
      expect(await connect.list()).not.toContain(connector);
    });
  },
);
