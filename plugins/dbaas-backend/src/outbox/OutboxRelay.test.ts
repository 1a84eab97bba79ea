import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { AuditEvent } from '@internal/backstage-plugin-dbaas-common';
import { sleep } from '@internal/backstage-plugin-dbaas-node';
import {
  describeWithServices,
  repoRoot,
  takeKafkaTurn,
  withTestPostgres,
} from '@internal/test-services';
import { Kafka, logLevel } from 'kafkajs';
import type { Knex } from 'knex';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { migratedClient } from '../database/migrations';
import { AUDIT_EVENT_ID_HEADER, auditOutbox } from '../audit/auditMessages';
import { writeAuditEvent } from '../audit/auditOutbox';
import { auditTopic } from '../audit/auditTopic';
import { OutboxRelay } from './OutboxRelay';

jest.setTimeout(180_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

async function waitFor(what: string, probe: () => Promise<boolean> | boolean) {
  const deadline = Date.now() + 120_000;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Writes events numbered from..to, each in a transaction of its own, 20 at a time. */
async function writeEvents(
  db: Knex,
  tenants: string[],
  from: number,
  to: number,
) {
  for (let start = from; start < to; start += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, to - start) }, (_, i) =>
        db.transaction(tx =>
          writeAuditEvent(tx, {
            tenant: tenants[(start + i) % tenants.length],
            actor: 'user:default/ada',
            action: 'service.update',
            resourceType: 'service',
            resourceId: `db-${start + i}`,
            requestId: `req-${start + i}`,
            outcome: 'succeeded',
          }),
        ),
      ),
    );
  }
}

async function countRows(db: Knex, published: boolean) {
  const query = db('audit_events');
  if (published) query.whereNotNull('published_at');
  else query.whereNull('published_at');
  const [{ count }] = await query.count({ count: '*' });
  return Number(count);
}

/** An address where nothing listens. */
async function closedPort(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return `127.0.0.1:${port}`;
}

describe.each(databases.eachSupportedId())(
  'OutboxRelay of the audit trail without Kafka on %s',
  id => {
    it('keeps every row unsent, warns once and stops cleanly', async () => {
      const db = await migratedClient(
        mockServices.database({ knex: await databases.init(id) }),
      );
      await writeEvents(db, ['group:default/payments'], 0, 250);
      const logger = mockServices.logger.mock();
      const relay = OutboxRelay.create({
        outbox: auditOutbox,
        db,
        kafka: { brokers: [await closedPort()] },
        logger,
      });

      await expect(relay.relayOnce()).rejects.toThrow();
      expect(await countRows(db, false)).toBe(250);

      const attempts = jest.spyOn(relay, 'relayOnce');
      relay.start();
      await waitFor('three attempts', () => attempts.mock.calls.length >= 3);
      await relay.stop();

      expect(await countRows(db, false)).toBe(250);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn.mock.calls[0][0]).toMatch(
        /^Audit relay cannot publish; events stay in the outbox/,
      );
    });
  },
);

// The broker's pid file of scripts/services.sh (see serviceEnv).
const kafkaPidFile = path.join(
  process.env.DBAAS_SERVICES_STATE ??
    path.join(process.env.TMPDIR ?? os.tmpdir(), 'dbaas-services'),
  'kafka',
  'kafka.pid',
);

/**
 * Stops the broker and leaves it down: the first half of kafka_restart.
 * `services.sh stop kafka` would delete its ports and data.
 */
async function stopBroker() {
  const pid = Number(fs.readFileSync(kafkaPidFile, 'utf8'));
  process.kill(pid, 'SIGTERM');
  await waitFor('the broker to exit', () => {
    try {
      process.kill(pid, 0);
      return false;
    } catch {
      return true;
    }
  });
}

/** Starts the stopped broker on its old ports and data: kafka_restart finds nothing to stop. */
function startBroker(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      path.join(repoRoot, 'scripts/services.sh'),
      ['restart', 'kafka'],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    child.on('error', reject);
    child.on('exit', code =>
      code === 0 ? resolve() : reject(new Error(`restart exited with ${code}`)),
    );
  });
}

describeWithServices(
  ['kafka', 'postgres'],
  'OutboxRelay of the audit trail on Kafka',
  env => {
    const brokers = env.DBAAS_KAFKA_BROKERS.split(',');
    const total = 10_000;

    it('publishes 10,000 events across a broker outage, each once, on its tenant topic', async () => {
      const db = await migratedClient(
        mockServices.database({ knex: await databases.init('POSTGRES_15') }),
      );
      // Topics of this run only: the broker keeps earlier runs' data.
      const run = Date.now().toString(36);
      const tenants = ['red', 'green', 'blue'].map(
        colour => `group:default/audit-${run}-${colour}`,
      );
      const logger = mockServices.logger.mock();
      const relay = OutboxRelay.create({
        outbox: auditOutbox,
        db,
        kafka: { brokers },
        logger,
        idleIntervalMs: 50,
      });

      let failures = 0;
      const relayOnce = relay.relayOnce.bind(relay);
      jest.spyOn(relay, 'relayOnce').mockImplementation(() =>
        relayOnce().catch(error => {
          failures += 1;
          throw error;
        }),
      );

      await writeEvents(db, tenants, 0, total / 2);
      relay.start();
      await waitFor('a first part published', async () => {
        return (await countRows(db, true)) >= 1_000;
      });
      await stopBroker();
      const failuresBefore = failures;
      // Mutations go on while Kafka is away.
      await writeEvents(db, tenants, total / 2, total);
      await waitFor('the relay to fail', () => failures > failuresBefore);
      // The relay is sequential: after a failure nothing is in flight, so any row
      // stamped from now on would be stamped without Kafka.
      const publishedBeforeOutage = await countRows(db, true);
      await sleep(2_000);
      expect(await countRows(db, true)).toBe(publishedBeforeOutage);
      await startBroker();
      await waitFor('every row published', async () => {
        return (await countRows(db, false)) === 0;
      });
      await relay.stop();
      // Not "once": another suite may restart the shared broker as well. Once per
      // outage is asserted without Kafka above.
      expect(logger.warn).toHaveBeenCalled();
      expect(logger.info).toHaveBeenCalledWith(
        expect.stringMatching(
          /^Audit relay recovered after \d+ failed attempts$/,
        ),
      );

      const expected = new Map<string, string>(
        (await db('audit_events').select('id', 'tenant')).map(row => [
          row.id,
          auditTopic(row.tenant),
        ]),
      );
      expect(expected.size).toBe(total);
      const seen = new Map<string, number>();
      const misrouted: string[] = [];
      const kafka = new Kafka({
        clientId: 'dbaas-audit-test',
        brokers,
        logLevel: logLevel.NOTHING,
      });
      const consumer = kafka.consumer({ groupId: `dbaas-audit-test-${run}` });
      // Other suites restart the stack's Kafka: the reader takes a turn.
      const letGo = await takeKafkaTurn(
        'OutboxRelay.test.ts (plugins/dbaas-backend)',
      );
      try {
        await consumer.connect();
        await consumer.subscribe({
          topics: tenants.map(auditTopic),
          fromBeginning: true,
        });
        await consumer.run({
          eachMessage: async ({ topic, message }) => {
            const event: AuditEvent = JSON.parse(message.value!.toString());
            const header = message.headers?.[AUDIT_EVENT_ID_HEADER]?.toString();
            if (header !== event.id || expected.get(event.id) !== topic) {
              misrouted.push(`${event.id} on ${topic}`);
            }
            seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
          },
        });
        await waitFor('every event consumed', () => seen.size >= total);
        // Duplicates, if any, would come right behind.
        await sleep(1_000);
      } finally {
        await consumer.disconnect();
        letGo();
      }

      expect(misrouted).toEqual([]);
      expect([...seen.keys()].filter(id => !expected.has(id))).toEqual([]);
      expect([...seen].filter(([, count]) => count > 1)).toEqual([]);
    });
  },
);
