import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { describeWithServices } from '../describeWithServices';
import { takeKafkaTurn } from '../restartService';

jest.setTimeout(240_000);

// The project's CDC topic convention: dbaas.cdc.{engine}.{tenant}.{table}.
const engine = 'postgresql';
const tenant = 'acme';
const table = 'orders';
const topic = `dbaas.cdc.${engine}.${tenant}.${table}`;

type ChangeEvent = { op: string; before: any; after: any };

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 90_000,
) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

describeWithServices(
  ['postgres', 'kafka', 'connect'],
  'Debezium PostgreSQL connector',
  env => {
    const database = `cdc_${Date.now()}`;
    const connector = `dbaas-cdc-${engine}-${tenant}-${Date.now()}`;
    const connectUrl = env.DBAAS_KAFKA_CONNECT_URL;
    let db: Client;

    beforeAll(async () => {
      const admin = new Client({ connectionString: env.DBAAS_POSTGRES_URL });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${database}`);
      await admin.end();
      db = new Client({
        host: env.DBAAS_POSTGRES_HOST,
        port: Number(env.DBAAS_POSTGRES_PORT),
        user: env.DBAAS_POSTGRES_USER,
        database,
      });
      await db.connect();
      await db.query(
        `CREATE TABLE ${table} (id integer PRIMARY KEY, item text NOT NULL, quantity integer NOT NULL)`,
      );
    });

    afterAll(async () => {
      await fetch(`${connectUrl}/connectors/${connector}`, {
        method: 'DELETE',
      }).catch(() => undefined);
      await db?.end();
    });

    it('streams an INSERT, UPDATE and DELETE to the tenant topic', async () => {
      const register = await fetch(`${connectUrl}/connectors`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          name: connector,
          config: {
            'connector.class':
              'io.debezium.connector.postgresql.PostgresConnector',
            'plugin.name': 'pgoutput',
            'database.hostname': env.DBAAS_POSTGRES_HOST,
            'database.port': env.DBAAS_POSTGRES_PORT,
            'database.user': env.DBAAS_POSTGRES_USER,
            'database.password': 'unused-with-trust-auth',
            'database.dbname': database,
            'slot.name': database,
            'publication.name': `${database}_publication`,
            'publication.autocreate.mode': 'filtered',
            'table.include.list': `public.${table}`,
            'snapshot.mode': 'no_data',
            'topic.prefix': `dbaas.cdc.${engine}.${tenant}`,
            // Debezium names topics {prefix}.{schema}.{table}; the convention has no schema.
            transforms: 'route',
            'transforms.route.type':
              'org.apache.kafka.connect.transforms.RegexRouter',
            'transforms.route.regex': `dbaas\\.cdc\\.${engine}\\.${tenant}\\.public\\.(.*)`,
            'transforms.route.replacement': `dbaas.cdc.${engine}.${tenant}.$1`,
            'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
            'key.converter.schemas.enable': 'false',
            'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
            'value.converter.schemas.enable': 'false',
          },
        }),
      });
      expect(register.status).toBe(201);

      await waitFor('the connector task to run', async () => {
        const response = await fetch(
          `${connectUrl}/connectors/${connector}/status`,
        );
        const status = await response.json();
        if (status.tasks?.some((t: any) => t.state === 'FAILED')) {
          throw new Error(`connector failed: ${JSON.stringify(status.tasks)}`);
        }
        return status.tasks?.[0]?.state === 'RUNNING' ? true : undefined;
      });
      // The replication slot exists once the connector streams.
      await waitFor('the replication slot', async () => {
        const slots = await db.query(
          'SELECT active FROM pg_replication_slots WHERE slot_name = $1',
          [database],
        );
        return slots.rows[0]?.active ? true : undefined;
      });

      const kafka = new Kafka({
        clientId: 'dbaas-cdc-proof',
        brokers: env.DBAAS_KAFKA_BROKERS.split(','),
        logLevel: logLevel.NOTHING,
      });
      const events: (ChangeEvent & { receivedAt: number })[] = [];
      const committedAt: number[] = [];
      const consumer = kafka.consumer({ groupId: `${connector}.readers` });
      // Other suites restart the stack's Kafka: the reader takes a turn.
      const letGo = await takeKafkaTurn('debezium.test.ts (test-services)');
      try {
        await consumer.connect();
        // Created here so the consumer can subscribe before the first event; Debezium
        // then writes to it instead of creating it.
        const admin = kafka.admin();
        await admin.connect();
        await admin.createTopics({
          topics: [{ topic, numPartitions: 1 }],
          waitForLeaders: true,
        });
        await admin.disconnect();
        await consumer.subscribe({ topic, fromBeginning: true });
        await consumer.run({
          eachMessage: async ({ message }) => {
            if (!message.value) return; // the tombstone that follows a delete
            events.push({
              ...JSON.parse(message.value.toString()),
              receivedAt: Date.now(),
            });
          },
        });

        const change = async (sql: string) => {
          await db.query(sql);
          committedAt.push(Date.now());
          await waitFor(`event ${committedAt.length}`, async () =>
            events.length >= committedAt.length ? true : undefined,
          );
        };
        await change(`INSERT INTO ${table} VALUES (1, 'widget', 2)`);
        await change(`UPDATE ${table} SET quantity = 5 WHERE id = 1`);
        await change(`DELETE FROM ${table} WHERE id = 1`);
      } finally {
        await consumer.disconnect();
        letGo();
      }

      expect(events.map(e => e.op)).toEqual(['c', 'u', 'd']);
      expect(events[0].after).toEqual({ id: 1, item: 'widget', quantity: 2 });
      expect(events[1].after).toEqual({ id: 1, item: 'widget', quantity: 5 });
      expect(events[2].before).toMatchObject({ id: 1 });

      const latencies = events.map((e, i) => e.receivedAt - committedAt[i]);
      // eslint-disable-next-line no-console
      console.log(
        `CDC change-to-consume latency on ${topic}: ${latencies.join(
          ' ms, ',
        )} ms (insert, update, delete)`,
      );
    });
  },
);
