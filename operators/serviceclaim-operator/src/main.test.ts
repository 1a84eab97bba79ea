import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import {
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
} from '@kubernetes/client-node';
import { SERVICE_CLAIM_API } from '@internal/backstage-plugin-dbaas-common';
import {
  describeWithServices,
  installCrds,
  kubeConfigFrom,
} from '@internal/test-services';
import { claimBody } from './__testUtils__/claimBody';
import { FINALIZER } from './reconcile/reconcileClaim';

jest.setTimeout(120_000);

type LogLine = { level: string; msg: string; [field: string]: unknown };

describeWithServices(['kube'], 'the operator process', env => {
  const kc = kubeConfigFrom(env);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const leases = kc.makeApiClient(CoordinationV1Api);
  const run = Date.now().toString(36);
  const namespace = `tenant-process-${run}`;

  beforeAll(async () => {
    await installCrds(kc);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('starts from its environment, logs JSON lines, reconciles, and on SIGTERM drains, releases its Lease and exits 0', async () => {
    await custom.createNamespacedCustomObject({
      group: SERVICE_CLAIM_API.group,
      version: SERVICE_CLAIM_API.version,
      plural: SERVICE_CLAIM_API.plural,
      namespace,
      body: claimBody(namespace, 'orders', { labels: { 'test-run': run } }),
    });
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        path.join(__dirname, 'index.ts'),
      ],
      {
        env: {
          PATH: process.env.PATH,
          KUBECONFIG: env.DBAAS_KUBECONFIG,
          POD_NAMESPACE: namespace,
          POD_NAME: 'operator-0',
          LEASE_NAME: 'serviceclaim-operator',
          DBAAS_POP: 'frankfurt',
          DBAAS_PLATFORM_NAMESPACES: 'monitoring, dbaas-system',
          METRICS_PORT: '0',
          CLAIM_LABEL_SELECTOR: `test-run=${run}`,
          LOG_LEVEL: 'debug',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: LogLine[] = [];
    const notJson: string[] = [];
    createInterface(child.stdout).on('line', line => {
      try {
        lines.push(JSON.parse(line));
      } catch {
        notJson.push(line);
      }
    });
    let stderr = '';
    child.stderr.on('data', chunk => {
      stderr += chunk;
    });
    const exited = new Promise<number | null>(resolve =>
      child.on('exit', code => resolve(code)),
    );
    const logged = async (msg: string) => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const found = lines.find(l => l.msg === msg);
        if (found) return found;
        if (Date.now() > deadline || child.exitCode !== null) {
          throw new Error(`No "${msg}" logged; stderr: ${stderr}`);
        }
        await delay(50);
      }
    };
    try {
      const started = await logged('started');
      expect(started).toMatchObject({ level: 'info', pop: 'frankfurt' });
      await logged('became leader');
      await logged('reconciled');
      const claim: any = await custom.getNamespacedCustomObject({
        group: SERVICE_CLAIM_API.group,
        version: SERVICE_CLAIM_API.version,
        plural: SERVICE_CLAIM_API.plural,
        namespace,
        name: 'orders',
      });
      expect(claim.metadata.finalizers).toEqual([FINALIZER]);
      expect(claim.status.observedGeneration).toBe(1);

      const metrics = await fetch(
        `http://127.0.0.1:${started.metricsPort}/metrics`,
      ).then(r => r.text());
      expect(metrics).toMatch(/^serviceclaim_operator_leader 1$/m);

      const termAt = Date.now();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // eslint-disable-next-line no-console
      console.info(`SIGTERM → exit 0 in ${Date.now() - termAt} ms`);
      expect(lines.map(l => l.msg)).toEqual(
        expect.arrayContaining([
          'shutting down',
          'work drained',
          'released the Lease',
          'stopped',
        ]),
      );
      const lease = await leases.readNamespacedLease({
        name: 'serviceclaim-operator',
        namespace,
      });
      expect(lease.spec?.holderIdentity ?? '').toBe('');
      expect(notJson).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses to start without the PoP it serves, saying so', async () => {
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        path.join(__dirname, 'index.ts'),
      ],
      {
        env: { PATH: process.env.PATH, KUBECONFIG: env.DBAAS_KUBECONFIG },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.on('data', chunk => {
      stdout += chunk;
    });
    const code = await new Promise(resolve => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(JSON.parse(stdout.trim())).toMatchObject({
      level: 'error',
      msg: 'bad configuration',
      error: 'DBAAS_POP must name the PoP (region) this cluster serves',
    });
  });
});
