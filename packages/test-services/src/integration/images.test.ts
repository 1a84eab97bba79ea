import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import {
  DBAAS_LABELS,
  SERVICE_CLAIM_API,
  specFromSku,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { freePort } from '../freePort';
import { describeWhenAvailable } from '../describeWhenAvailable';
import { describeWithServices } from '../describeWithServices';
import { eventually } from '../eventually';
import { findHelm } from '../helm/findHelm';
import { helmTemplate } from '../helm/helmTemplate';
import { podEnv } from '../helm/podEnv';
import { findImage, runImage, type ImageName } from '../images/images';
import { kubeConfigFrom } from '../kube/kubeConfig';
import { startPopOperator } from '../loop/startPopOperator';
import { repoRoot } from '../repoRoot';

// The images scripts/images.sh builds (scripts/test.sh builds them before the tests),
// run as a kubelet would run them: their own entrypoint, user and files.
jest.setTimeout(300_000);

function describeWithImage(
  name: ImageName,
  title: string,
  fn: (image: string) => void,
) {
  const found = findImage(name);
  describeWhenAvailable(
    title,
    `the ${name} image`,
    'image' in found ? { value: found.image } : found,
    fn,
  );
}

const run = Date.now().toString(36);

describeWithImage('operator', 'the operator image', image => {
  describeWithServices(['kube'], 'on the test apiserver', env => {
    const kc = kubeConfigFrom(env);

    it('answers /readyz with the chart’s RBAC and environment, and reconciles a claim', async () => {
      const operator = await startPopOperator({
        kubeConfig: kc,
        pop: 'lagos',
        namespace: `dbaas-image-${run}`,
        release: `image-${run}`,
        image,
        // Only this test's claims: others' run in the same apiserver.
        env: { CLAIM_LABEL_SELECTOR: `image-run=${run}` },
      });
      try {
        await operator.ready(90_000);
        const metrics = await fetch(`${operator.metricsUrl}/metrics`);
        expect(metrics.status).toBe(200);
        expect(await metrics.text()).toContain('# TYPE');

        const custom = kc.makeApiClient(CustomObjectsApi);
        const namespace = `tenant-image-${run}`;
        await kc
          .makeApiClient(CoreV1Api)
          .createNamespace({ body: { metadata: { name: namespace } } });
        await custom.createNamespacedCustomObject({
          group: SERVICE_CLAIM_API.group,
          version: SERVICE_CLAIM_API.version,
          plural: SERVICE_CLAIM_API.plural,
          namespace,
          body: {
            apiVersion: `${SERVICE_CLAIM_API.group}/${SERVICE_CLAIM_API.version}`,
            kind: SERVICE_CLAIM_API.kind,
            metadata: {
              name: 'orders',
              labels: {
                'image-run': run,
                [DBAAS_LABELS.serviceId]: `svc-image-${run}`,
                [DBAAS_LABELS.serviceName]: 'orders',
              },
            },
            spec: specFromSku(skuCatalog, 'pg-shared', 'lagos'),
          },
        });
        // The operator in the image took the claim: its finalizer is on it.
        const taken = await eventually(
          'the operator in the image taking the claim',
          async () => {
            const claim = (await custom.getNamespacedCustomObject({
              group: SERVICE_CLAIM_API.group,
              version: SERVICE_CLAIM_API.version,
              plural: SERVICE_CLAIM_API.plural,
              namespace,
              name: 'orders',
            })) as {
              metadata: { finalizers?: string[] };
              status?: { observedGeneration?: number };
            };
            return claim.status?.observedGeneration ? claim : undefined;
          },
          { timeoutMs: 60_000 },
        );
        expect(taken.metadata.finalizers).not.toHaveLength(0);
      } finally {
        await operator.stop();
      }
      const log = fs.readFileSync(operator.logFile, 'utf8');
      expect(log).toContain('"msg":"started"');
      expect(log).toContain('"msg":"stopped"');
    });
  });
});

describeWithImage('portal', 'the portal image', image => {
  describeWithServices(
    ['postgres', 'keycloak', 'kafka', 'prometheus'],
    'with its chart’s config and environment, on PostgreSQL',
    env => {
      it('serves the frontend and answers Backstage’s health checks, and stops on SIGTERM', async () => {
        const found = findHelm();
        if ('missing' in found) throw new Error(found.missing);
        const port = await freePort();
        const metricsPort = await freePort();
        const baseUrl = `http://127.0.0.1:${port}`;
        // What a platform team sets (docs/deploy.md), on this machine's services.
        const manifests = helmTemplate(found.helm, [
          'portal',
          path.join(repoRoot, 'charts/dbaas-portal'),
          '--set-string',
          `postgresql.host=${env.DBAAS_POSTGRES_HOST}`,
          '--set',
          `postgresql.port=${env.DBAAS_POSTGRES_PORT}`,
          '--set-string',
          `postgresql.user=${env.DBAAS_POSTGRES_USER}`,
          '--set',
          'postgresql.sslMode=disable',
          '--set',
          'postgresql.existingSecret=portal-postgresql',
          '--set',
          'auth.session.existingSecret=portal-session',
          '--set-string',
          `auth.keycloak.metadataUrl=${env.KEYCLOAK_METADATA_URL}`,
          '--set-string',
          `auth.keycloak.clientId=${env.KEYCLOAK_CLIENT_ID}`,
          '--set',
          'auth.keycloak.existingSecret=portal-keycloak',
          '--set-string',
          `baseUrl=${baseUrl}`,
          '--set-string',
          'gitops.remote.url=https://git.example.com/platform/gitops.git',
          '--set',
          'gitops.remote.token.existingSecret=portal-gitops',
          '--set-string',
          `audit.kafka.brokers[0]=${env.DBAAS_KAFKA_BROKERS}`,
          '--set-string',
          `prometheusUrl=${env.DBAAS_PROMETHEUS_URL}`,
        ]);
        const deployment = manifests.find(m => m.kind === 'Deployment')!;
        const configMap = manifests.find(m => m.kind === 'ConfigMap')!;
        const container = deployment.spec.template.spec.containers[0];

        // The ConfigMap's layer where the chart mounts it, and one more of this
        // test's own: a free port, and a database prefix on the shared PostgreSQL.
        const configDir = fs.mkdtempSync(
          path.join(os.tmpdir(), 'portal-image-'),
        );
        // Readable by the image's user, as a mounted ConfigMap is.
        fs.chmodSync(configDir, 0o755);
        for (const [file, text] of Object.entries(configMap.data ?? {})) {
          fs.writeFileSync(path.join(configDir, file), String(text), {
            mode: 0o644,
          });
        }
        fs.writeFileSync(
          path.join(configDir, 'app-config.test.yaml'),
          [
            'backend:',
            `  listen: ':${port}'`,
            '  database:',
            `    prefix: portal_image_${run}_`,
          ].join('\n'),
          { mode: 0o644 },
        );
        const mount = container.volumeMounts.find(
          (m: { mountPath: string }) => m.mountPath === '/app/config',
        );
        expect(mount).toBeDefined();
        const logFile = path.join(configDir, 'portal.log');
        const portal = runImage(image, {
          env: {
            ...podEnv(deployment, {
              secrets: {
                'portal-postgresql/password': 'local-trust-auth',
                'portal-session/session-secret': crypto
                  .randomBytes(32)
                  .toString('hex'),
                'portal-keycloak/client-secret': env.KEYCLOAK_CLIENT_SECRET,
                'portal-gitops/token': 'not-used-by-this-test',
              },
            }),
            DBAAS_METRICS_PORT: String(metricsPort),
          },
          volumes: { [configDir]: '/app/config' },
          args: [
            ...container.args,
            '--config',
            '/app/config/app-config.test.yaml',
          ],
          logFile,
        });
        try {
          const deadline = Date.now() + 150_000;
          for (;;) {
            const answer = await fetch(
              `${baseUrl}${container.readinessProbe.httpGet.path}`,
            ).catch(() => undefined);
            if (answer?.status === 200) break;
            if (portal.child.exitCode !== null || Date.now() > deadline) {
              throw new Error(
                `The portal image was not ready; its log ends:\n${fs
                  .readFileSync(logFile, 'utf8')
                  .slice(-3000)}`,
              );
            }
            await delay(500);
          }
          const liveness = await fetch(
            `${baseUrl}${container.livenessProbe.httpGet.path}`,
          );
          expect(liveness.status).toBe(200);
          // The backend serves the built frontend, with its config injected.
          const page = await fetch(`${baseUrl}/catalog`);
          expect(page.status).toBe(200);
          expect(await page.text()).toContain('<div id="root">');
          // Anonymous callers get nothing of the API.
          const api = await fetch(`${baseUrl}/api/dbaas/services`);
          expect(api.status).toBe(401);
          const metrics = await fetch(
            `http://127.0.0.1:${metricsPort}/metrics`,
          );
          expect(metrics.status).toBe(200);
        } finally {
          portal.kill('SIGTERM');
        }
        // It ends by itself, and within the grace period the chart gives it.
        const stopping = Date.now();
        const graceMs =
          deployment.spec.template.spec.terminationGracePeriodSeconds * 1000;
        const code = await Promise.race([
          portal.exited,
          delay(graceMs).then(() => 'killed' as const),
        ]);
        if (code === 'killed') portal.kill('SIGKILL');
        expect({ code, withinGrace: Date.now() - stopping < graceMs }).toEqual({
          code: 0,
          withinGrace: true,
        });
      });
    },
  );
});
