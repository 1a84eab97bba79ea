import { mockCredentials } from '@backstage/backend-test-utils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
} from '@kubernetes/client-node';
import {
  SERVICE_CLAIM_API,
  claimManifest,
  type AlertEvent,
} from '@internal/backstage-plugin-dbaas-common';
import { sleep } from '@internal/backstage-plugin-dbaas-node';
import {
  describeWithServices,
  EngineOperatorStandIn,
  eventually,
  findHelm,
  helmTemplate,
  installCrds,
  kubeConfigFrom,
  loadPrometheusRules,
  type PopOperator,
  routeAlertsTo,
  startPopOperator,
  takeKafkaTurn,
} from '@internal/test-services';
import yaml from 'js-yaml';
import { Kafka, logLevel } from 'kafkajs';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { PAYMENTS, startDbaasBackend } from '../__testUtils__/dbaasTestBackend';

jest.setTimeout(240_000);

const ADA = 'user:default/ada'; // of payments
const KWAME = 'user:default/kwame'; // of checkout, another tenant

type Notification = {
  created: string;
  updated?: string;
  payload: { title: string; severity?: string; description?: string };
};

/**
 * The operator chart's PrometheusRule as a Prometheus rule file, rendered as
 * a PoP installs it, except that DbaasDatabaseUnhealthy fires as soon as it
 * holds (`for: 0s`): what is measured is the path from Prometheus to the
 * team, not the chart's chosen patience.
 */
function operatorRules(helm: string, release: string): string {
  const manifests = helmTemplate(helm, [
    release,
    'charts/serviceclaim-operator',
    '--set',
    'pop=lagos',
    '--set',
    'metrics.serviceMonitor.enabled=true',
    '--set',
    'metrics.prometheusRule.enabled=true',
    '--set',
    'metrics.prometheusRule.runbookBaseUrl=https://docs.example.com/dbaas',
    '--set',
    'metrics.prometheusRule.unhealthy.for=0s',
  ]);
  const rule = manifests.find(m => m.kind === 'PrometheusRule');
  if (!rule) throw new Error('the operator chart rendered no PrometheusRule');
  return yaml.dump({ groups: rule.spec.groups });
}

// A database fails in its PoP: its engine's cluster reports failed (the engine
// operators' stand-in of test-services, as the whole-loop tests play them),
// the real ServiceClaim operator, installed from its chart, reports the claim
// Failed and exports it; the real Prometheus scrapes it and fires the chart's
// alert to the real Alertmanager, which posts it to the portal; the database's
// team gets a notification (the real notifications backend), the tenant's
// Kafka topic the event, and the other tenant nothing. How long that takes is
// the figure this test prints.
describeWithServices(
  ['kube', 'prometheus', 'alertmanager', 'kafka'],
  'an alert from the series to the team',
  env => {
    const helm = findHelm();
    const targetFile = path.join(
      env.DBAAS_PROMETHEUS_TARGETS_DIR,
      'operator',
      `alert-delivery-${process.pid}.json`,
    );
    const cleanups: (() => Promise<unknown> | unknown)[] = [];
    const kc = kubeConfigFrom(env);
    // The apiserver outlives test runs: every run has its own names.
    const run = Date.now().toString(36);
    const namespace = `tenant-alerts-${run}`;
    const releaseNamespace = `pop-lagos-alerts-${run}`;
    // Its own release: the ClusterRole and binding are cluster-wide, and other
    // suites run operators on this apiserver.
    const release = `sco-alerts-${run}`;
    /** The chart's fullname: its cluster-wide objects', and its metrics job's. */
    const fullname = `${release}-serviceclaim-operator`;

    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    it('notifies the owning team and publishes the event, and says how soon', async () => {
      if ('missing' in helm) throw new Error(helm.missing);
      const brokers = env.DBAAS_KAFKA_BROKERS.split(',');
      const backend = await startDbaasBackend({
        config: {
          alerts: {
            sources: [{ subject: 'alertmanager-lagos', pops: ['lagos'] }],
            kafka: { brokers },
          },
        },
        rootConfig: { app: { baseUrl: 'http://localhost:3000' } },
        features: [notificationsPlugin],
      });
      cleanups.push(() => backend.stop());
      const created = await request(backend.server)
        .post('/api/dbaas/v1/services')
        .set('Authorization', backend.as(ADA))
        .send({
          name: `alerting-${Date.now().toString(36)}`,
          tenant: PAYMENTS,
          engine: 'postgresql',
          plan: 'shared',
          region: 'lagos',
        });
      expect(created.status).toBe(201);
      const { id, name } = created.body as { id: string; name: string };

      // The tenant's topic, read from its end before anything fires. Other
      // suites restart the stack's Kafka: the reader takes a turn with it.
      const letGo = await takeKafkaTurn(
        'alertDelivery.test.ts (plugins/dbaas-backend)',
      );
      cleanups.push(letGo);
      const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin
        .createTopics({ topics: [{ topic: 'dbaas.alerts.payments' }] })
        .finally(() => admin.disconnect());
      const consumer = kafka.consumer({ groupId: `alert-delivery-${id}` });
      cleanups.push(() => consumer.disconnect());
      await consumer.connect();
      await consumer.subscribe({ topic: 'dbaas.alerts.payments' });
      const events: AlertEvent[] = [];
      await consumer.run({
        eachMessage: async ({ message }) => {
          const event = JSON.parse(String(message.value)) as AlertEvent;
          if (event.database.id === id) events.push(event);
        },
      });

      // The PoP: its ServiceClaim operator (only this run's claims) and the
      // engine operators' stand-in, which reports the database's cluster
      // healthy until told otherwise.
      const core = kc.makeApiClient(CoreV1Api);
      await installCrds(kc);
      await core.createNamespace({ body: { metadata: { name: namespace } } });
      const operator: PopOperator = await startPopOperator({
        kubeConfig: kc,
        pop: 'lagos',
        namespace: releaseNamespace,
        release,
        env: { CLAIM_LABEL_SELECTOR: `test-run=${run}`, DRAIN_SECONDS: '2' },
      });
      cleanups.push(async () => {
        await operator.stop();
        const objects = KubernetesObjectApi.makeApiClient(kc);
        for (const kind of ['ClusterRoleBinding', 'ClusterRole']) {
          await objects
            .delete({
              apiVersion: 'rbac.authorization.k8s.io/v1',
              kind,
              metadata: { name: fullname },
            })
            .catch(() => undefined);
        }
        for (const made of [namespace, releaseNamespace]) {
          await core.deleteNamespace({ name: made }).catch(() => undefined);
        }
      });
      await operator.ready();
      const engines = new EngineOperatorStandIn({
        kubeConfig: kc,
        namespaces: [namespace],
      });
      await engines.start();
      cleanups.push(() => engines.stop());

      // The claim the portal committed, as Argo CD applies it in the PoP.
      const manifest = claimManifest({
        id,
        tenant: PAYMENTS,
        name,
        spec: created.body.config,
      });
      manifest.metadata.namespace = namespace;
      manifest.metadata.labels = {
        ...manifest.metadata.labels,
        'test-run': run,
      };
      const claims = kc.makeApiClient(CustomObjectsApi);
      await claims.createNamespacedCustomObject({
        group: SERVICE_CLAIM_API.group,
        version: SERVICE_CLAIM_API.version,
        plural: SERVICE_CLAIM_API.plural,
        namespace,
        body: manifest,
      });

      fs.writeFileSync(
        targetFile,
        JSON.stringify([
          {
            targets: [operator.metricsUrl.replace(/^http:\/\//, '')],
            // The job of the chart's ServiceMonitor, which the rules select.
            labels: { job: `${fullname}-metrics` },
          },
        ]),
      );
      cleanups.push(() => fs.rmSync(targetFile, { force: true }));
      const { port } = backend.server.address() as AddressInfo;
      await routeAlertsTo(env, {
        url: `http://127.0.0.1:${port}/api/dbaas/v1/alerts/alertmanager`,
        token: mockCredentials.service
          .header({
            onBehalfOf: mockCredentials.service('alertmanager-lagos'),
            targetPluginId: 'dbaas',
          })
          .replace(/^Bearer /, ''),
      });
      cleanups.push(
        await loadPrometheusRules(
          env,
          `alert-delivery-${process.pid}`,
          operatorRules(helm.helm, release),
        ),
      );
      // Active first: Prometheus scrapes the operator and nothing fires.
      await eventually(
        'Prometheus scraping the operator, the database Active',
        async () => {
          const res = await fetch(
            `${
              env.DBAAS_PROMETHEUS_URL
            }/api/v1/query?query=${encodeURIComponent(
              `dbaas_database_status_phase{dbaas_io_service_id="${id}",phase="Active"} == 1`,
            )}`,
          );
          return ((await res.json()).data.result as unknown[]).length === 1;
        },
        { timeoutMs: 90_000, intervalMs: 250 },
      );

      const inbox = async (user: string) => {
        const res = await request(backend.server)
          .get('/api/notifications/notifications')
          .set('Authorization', backend.as(user));
        return res.body.notifications as Notification[];
      };

      const failedAt = Date.now();
      await engines.setPhase(`${namespace}/${name}`, 'failed');
      const [fired] = await eventually(
        "the alert in ada's notifications",
        async () => {
          const mine = await inbox(ADA);
          return mine.length > 0 && mine;
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      const notifiedAfter = Date.now() - failedAt;
      expect(fired.payload).toMatchObject({
        title: `DbaasDatabaseUnhealthy on ${name}`,
        severity: 'critical',
        description: expect.stringContaining(
          'Runbook: https://docs.example.com/dbaas/runbooks/postgresql/docs/alerts.md#dbaasdatabaseunhealthy',
        ),
      });
      expect(await inbox(KWAME)).toEqual([]);
      await eventually(
        'the event on the tenant topic',
        () => events.length > 0,
        {
          timeoutMs: 30_000,
          intervalMs: 100,
        },
      );
      const publishedAfter = Date.now() - failedAt;
      expect(events[0]).toMatchObject({
        tenant: PAYMENTS,
        database: { id, name, engine: 'postgresql' },
        alert: {
          name: 'DbaasDatabaseUnhealthy',
          status: 'firing',
          severity: 'critical',
          labels: expect.objectContaining({ dbaas_io_service_id: id }),
          runbookUrl:
            'https://docs.example.com/dbaas/runbooks/postgresql/docs/alerts.md#dbaasdatabaseunhealthy',
        },
      });
      const shown = await request(backend.server)
        .get(`/api/dbaas/v1/services/${id}/alerts`)
        .set('Authorization', backend.as(ADA));
      expect(shown.body.firing).toHaveLength(1);

      const recoveredAt = Date.now();
      await engines.setPhase(`${namespace}/${name}`, 'healthy');
      await eventually(
        'the resolution in its place',
        async () => {
          const mine = await inbox(ADA);
          return (
            mine.length === 1 && mine[0].payload.title.startsWith('Resolved:')
          );
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      const resolvedAfter = Date.now() - recoveredAt;
      await eventually('the resolution on the topic', () => events.length > 1, {
        timeoutMs: 30_000,
        intervalMs: 100,
      });
      expect(events.map(e => e.alert.status)).toEqual(['firing', 'resolved']);
      // Alertmanager repeats nothing the team hears twice.
      await sleep(6_000);
      expect(await inbox(ADA)).toHaveLength(1);
      expect(events).toHaveLength(2);

      // eslint-disable-next-line no-console
      console.log(
        `alert delivery: engine cluster failed → notification ${notifiedAfter} ms, → Kafka ${publishedAfter} ms; healthy again → resolved notification ${resolvedAfter} ms (the operator's reconcile, scrape 2 s, evaluation 5 s, group_wait 1 s, rule for: 0s)`,
      );
    });
  },
);
