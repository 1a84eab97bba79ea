import { TestDatabases } from '@backstage/backend-test-utils';
import {
  describeWithServices,
  eventually,
  takeKafkaTurn,
  withTestPostgres,
} from '@internal/test-services';
import { Kafka, logLevel } from 'kafkajs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { group, startDbaasBackend } from '../__testUtils__/dbaasTestBackend';

jest.setTimeout(120_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

// A look-alike tenant's refused requests must not reach the victim's audit
// topic either: the relay publishes every outbox row to dbaas.audit.{slug},
// and a look-alike's slug is the victim's.
describeWithServices(
  ['kafka', 'postgres'],
  'the victim\u2019s audit topic',
  env => {
    const brokers = env.DBAAS_KAFKA_BROKERS.split(',');

    describe.each(databases.eachSupportedId())('on %s', databaseId => {
      // Kafka outlives test runs: every run gets tenants (and a topic) of its own.
      const run = `${databaseId
        .toLowerCase()
        .replace(/_/g, '')}${Date.now().toString(36)}`;
      const victimTenant = `group:default/data-platform-${run}`;
      const lookalike = `group:data/platform-${run}`;
      const topic = `dbaas.audit.data-platform-${run}`;
      const VIC = 'user:default/vic';
      const MAL = 'user:default/mal';
      let dir: string;
      beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-audit-topics-'));
      });
      afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

      it('holds only the victim\u2019s events', async () => {
        const knex = await databases.init(databaseId);
        const backend = await startDbaasBackend({
          knex,
          config: {
            gitops: { localPath: path.join(dir, 'gitops.git') },
            audit: {
              kafka: { brokers, clientId: `dbaas-audit-topics-${run}` },
            },
          },
          groups: [
            group(`data-platform-${run}`, 'team', 'acme'),
            group(`platform-${run}`, 'team', 'group:default/globex', 'data'),
          ],
          memberships: { [VIC]: [victimTenant], [MAL]: [lookalike] },
        });
        const kafka = new Kafka({
          clientId: `dbaas-audit-topics-reader-${run}`,
          brokers,
          logLevel: logLevel.NOTHING,
        });
        const admin = kafka.admin();
        // Other suites restart the stack's Kafka: the reader takes a turn.
        const letGo = await takeKafkaTurn(
          'auditTopics.test.ts (plugins/dbaas-backend)',
        );
        await admin.connect();
        const published = async () => {
          const topics = await admin.listTopics();
          if (!topics.includes(topic)) return 0;
          const offsets = await admin.fetchTopicOffsets(topic);
          return offsets.reduce((sum, p) => sum + Number(p.high), 0);
        };
        const order = (user: string, tenant: string, name: string) =>
          request(backend.server)
            .post('/api/dbaas/v1/services')
            .set('Authorization', backend.as(user))
            .send({
              name,
              tenant,
              engine: 'postgresql',
              plan: 'shared',
              region: 'lagos',
            });
        try {
          expect((await order(VIC, victimTenant, 'orders')).status).toBe(201);
          await eventually(
            'the victim\u2019s first event on its topic',
            async () => ((await published()) >= 1 ? true : undefined),
          );
          for (const name of ['orders', 'spy']) {
            const attack = await order(MAL, lookalike, name);
            expect(attack.status).toBe(409);
          }
          // The relay publishes the outbox in order: once the victim's next
          // event is on the topic, anything written before it would be too.
          expect((await order(VIC, victimTenant, 'ledger')).status).toBe(201);
          await eventually(
            'the victim\u2019s second event on its topic',
            async () => ((await published()) >= 2 ? true : undefined),
          );
          expect(await published()).toBe(2);
          const rows = await knex('audit_events').select('tenant', 'actor');
          expect(rows).toEqual([
            { tenant: victimTenant, actor: VIC },
            { tenant: victimTenant, actor: VIC },
          ]);
        } finally {
          await admin.disconnect();
          letGo();
          await backend.stop();
        }
      });
    });
  },
);
