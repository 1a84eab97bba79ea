import { setTimeout as delay } from 'node:timers/promises';
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { SERVICE_CLAIM_API } from '@internal/backstage-plugin-dbaas-common';
import { ObjectApi } from '@internal/backstage-plugin-dbaas-node';
import {
  describeWithServices,
  installCrds,
  kubeConfigFrom,
} from '@internal/test-services';
import { TEST_POP, claimBody } from './__testUtils__/claimBody';
import type { OperatorConfig } from './configFromEnv';
import { createLogger, silentLogger } from './logger';
import { ClaimApi } from './reconcile/ClaimApi';
import { FINALIZER } from './reconcile/reconcileClaim';
import { renderClaim, renderFinalBackup } from './render/renderClaim';
import { claimStatusFrom } from './status/claimStatus';
import { runOperator, type RunningOperator } from './runOperator';

jest.setTimeout(90_000);

const claimApi = {
  group: SERVICE_CLAIM_API.group,
  version: SERVICE_CLAIM_API.version,
  plural: SERVICE_CLAIM_API.plural,
};

async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  ms = 30_000,
) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await delay(50);
  }
}

/** An object client that stops answering after `answers` applies: a frozen process. */
class FreezingObjectApi extends ObjectApi {
  answers = Infinity;
  applies = 0;
  override patch<T extends KubernetesObject>(
    ...args: Parameters<ObjectApi['patch']>
  ): Promise<T> {
    this.applies += 1;
    if (this.applies > this.answers) return new Promise<T>(() => undefined);
    return super.patch(...args) as Promise<T>;
  }
}

describeWithServices(['kube'], 'the operator on a kube-apiserver', env => {
  const kc = kubeConfigFrom(env);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const claims = new ClaimApi(kc);
  const run = Date.now().toString(36);
  const namespace = `tenant-operator-${run}`;
  const running: RunningOperator[] = [];

  const config = (identity: string): OperatorConfig => ({
    kubeConfig: kc,
    namespace,
    identity,
    leaseName: 'serviceclaim-operator',
    // Only this run's claims: the shared apiserver keeps other suites' claims.
    claimSelector: `test-run=${run}`,
    context: {
      pop: TEST_POP,
      platformNamespaces: [],
      backupDestinationDefault: 's3://dbaas-backups-frankfurt',
    },
    metricsPort: 0,
    concurrency: 4,
    resyncSeconds: 600,
    drainSeconds: 0,
    leaseDurationSeconds: 3,
    renewDeadlineSeconds: 2,
    retryPeriodSeconds: 0.25,
    logLevel: 'error',
  });
  const start = async (
    identity: string,
    objects?: ObjectApi,
  ): Promise<RunningOperator> => {
    const operator = await runOperator(config(identity), {
      render: renderClaim,
      renderFinalBackup,
      statusFrom: claimStatusFrom,
      objects,
      logger: process.env.DEBUG_OPERATOR
        ? createLogger({
            level: 'debug',
            fields: { identity },
            write: line => process.stderr.write(`${line}\n`),
          })
        : silentLogger,
    });
    running.push(operator);
    return operator;
  };
  const createClaim = (name: string) =>
    custom.createNamespacedCustomObject({
      ...claimApi,
      namespace,
      body: claimBody(namespace, name, { labels: { 'test-run': run } }),
    });
  const cnpg = { group: 'postgresql.cnpg.io', version: 'v1', namespace };
  const exists = (plural: string, name: string, api = cnpg) =>
    custom.getNamespacedCustomObject({ ...api, plural, name }).then(
      () => true,
      () => false,
    );
  /** Finalizer, status for the current spec, and every rendered resource there. */
  const converged = async (name: string) => {
    const claim = await claims.get(namespace, name);
    return Boolean(
      claim?.metadata.finalizers?.includes(FINALIZER) &&
        claim.status?.observedGeneration === claim.metadata.generation &&
        claim.status?.phase === 'Provisioning' &&
        (await exists('clusters', name)) &&
        (await exists('scheduledbackups', `${name}-backup`)) &&
        (await exists('networkpolicies', `${name}-access`, {
          group: 'networking.k8s.io',
          version: 'v1',
          namespace,
        })) &&
        (await exists('podmonitors', `${name}-metrics`, {
          group: 'monitoring.coreos.com',
          version: 'v1',
          namespace,
        })),
    );
  };
  const metric = async (operator: RunningOperator, name: string) => {
    const res = await fetch(`http://127.0.0.1:${operator.server.port}/metrics`);
    const text = await res.text();
    const line = text.split('\n').find(l => l.startsWith(name));
    return line ? Number(line.split(' ').pop()) : undefined;
  };

  beforeAll(async () => {
    await installCrds(kc);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  });

  afterAll(async () => {
    await Promise.all(running.map(o => o.stop().catch(() => undefined)));
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it('reconciles on the leader only, serves metrics and probes, and converges after the leader freezes mid-reconcile', async () => {
    const names = ['alpha', 'beta', 'gamma'];
    for (const name of names) await createClaim(name);

    // a answers two applies and then hangs: half-way through a claim's four.
    const frozen = kc.makeApiClient(FreezingObjectApi);
    frozen.answers = 2;
    const a = await start('pod-a', frozen);
    await until('a leads', () => a.isLeader);
    await until('a frozen', () => frozen.applies > 2);
    const b = await start('pod-b');
    await until('b ready', () => b.ready);
    const ready = await fetch(`http://127.0.0.1:${b.server.port}/readyz`);
    expect(ready.status).toBe(200);
    await delay(500);
    expect(b.isLeader).toBe(false);
    expect(await metric(b, 'serviceclaim_operator_leader')).toBe(0);
    expect(
      await metric(
        b,
        'serviceclaim_operator_reconcile_total{result="success"}',
      ),
    ).toBeUndefined();
    expect((await Promise.all(names.map(converged))).every(Boolean)).toBe(
      false,
    );

    // a dies without releasing its Lease.
    const killedAt = Date.now();
    await a.stop({ release: false });
    await until('b leads', () => b.isLeader);
    await until('every claim converged', async () =>
      (await Promise.all(names.map(converged))).every(Boolean),
    );
    // eslint-disable-next-line no-console
    console.info(
      `leader frozen mid-reconcile → all claims converged on the new leader: ${
        Date.now() - killedAt
      } ms`,
    );
    expect(await metric(b, 'serviceclaim_operator_leader')).toBe(1);
    expect(
      await metric(
        b,
        'serviceclaim_operator_reconcile_total{result="success"}',
      ),
    ).toBeGreaterThanOrEqual(names.length);
    expect(
      await metric(b, 'serviceclaim_operator_reconcile_duration_seconds_count'),
    ).toBeGreaterThanOrEqual(names.length);
    expect(await metric(b, 'serviceclaim_operator_workqueue_depth')).toBe(0);

    // Deleting a claim goes through the finalizer on the leader: a final
    // backup first, which CloudNativePG (played here) completes.
    await custom.deleteNamespacedCustomObject({
      ...claimApi,
      namespace,
      name: 'alpha',
    });
    const backup = {
      group: 'postgresql.cnpg.io',
      version: 'v1',
      namespace,
      plural: 'backups',
      name: 'alpha-final',
    };
    await until('final backup requested', () =>
      custom.getNamespacedCustomObject(backup).then(
        () => true,
        () => false,
      ),
    );
    expect(await claims.get(namespace, 'alpha')).toBeDefined();
    await custom.patchNamespacedCustomObjectStatus(
      { ...backup, body: { status: { phase: 'completed' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await until(
      'alpha finalized',
      async () => (await claims.get(namespace, 'alpha')) === undefined,
      // Well before the 15 s poll: the Backup's status change requeues the claim.
      5_000,
    );
    expect(await exists('clusters', 'alpha')).toBe(false);
    expect(await exists('backups', 'alpha-final')).toBe(true);

    // A standby serves the databases' series from its own cache: the status
    // the leader wrote, and nothing of the claim that is gone.
    const c = await start('pod-c');
    await until('c ready', () => c.ready);
    expect(c.isLeader).toBe(false);
    const phases = async (operator: RunningOperator) => {
      const res = await fetch(
        `http://127.0.0.1:${operator.server.port}/metrics`,
      );
      return (await res.text())
        .split('\n')
        .filter(l => /^dbaas_database_status_phase\{.* 1$/.test(l))
        .sort();
    };
    expect(await phases(c)).toEqual(await phases(b));
    expect(await phases(c)).toEqual(
      ['beta', 'gamma'].map(
        name =>
          `dbaas_database_status_phase{dbaas_io_service_id="svc-${name}",namespace="${namespace}",claim="${name}",engine="postgresql",phase="Provisioning"} 1`,
      ),
    );
    await c.stop();
    await b.stop();
  });
});
