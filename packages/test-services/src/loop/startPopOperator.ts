import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { freePort } from '../freePort';
import { findHelm } from '../helm/findHelm';
import { helmTemplate, type Manifest } from '../helm/helmTemplate';
import { podEnv } from '../helm/podEnv';
import { runImage, type ImageProcess } from '../images/images';
import { loadCrds } from '../kube/crdFiles';
import { installCrds } from '../kube/installCrds';
import { repoRoot } from '../repoRoot';

const CHART = 'charts/serviceclaim-operator';

/** What of the chart can run without a kubelet: its CRD and its RBAC. */
const INSTALLED_KINDS = [
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
];

/** The field manager of what startPopOperator installs. */
const FIELD_MANAGER = 'pop-operator-install';

/** Options of {@link startPopOperator}. */
export type PopOperatorOptions = {
  /** An administrator of the PoP cluster: installs the chart's CRD and RBAC. */
  kubeConfig: KubeConfig;
  /** The PoP (region id) the cluster serves: the chart's `pop`. */
  pop: string;
  /** The release namespace (the operator's pod's); default `dbaas-system`. */
  namespace?: string;
  /** The release name; default `serviceclaim-operator`. */
  release?: string;
  /** More chart values, as `--set key=value`. */
  values?: Record<string, string>;
  /**
   * Environment of the operator process beyond what the chart's Deployment
   * passes (e.g. `CLAIM_LABEL_SELECTOR`, `DRAIN_SECONDS`); wins over the chart's.
   */
  env?: Record<string, string>;
  /** Where the process's stdout and stderr go; default a new file under the temp folder. */
  logFile?: string;
  /**
   * Run the operator's image (`scripts/images.sh build operator`) rather than its
   * sources: the image's entrypoint and user, with only the chart's environment.
   */
  image?: string;
};

/** A running operator process of one PoP; see {@link startPopOperator}. */
export type PopOperator = {
  pop: string;
  namespace: string;
  /** `system:serviceaccount:<namespace>:<name>`, the user the process runs as. */
  user: string;
  /** The kubeconfig the process uses: the ServiceAccount's token and the cluster's CA. */
  kubeConfigFile: string;
  logFile: string;
  /** Where `/metrics`, `/healthz` and `/readyz` are served. */
  metricsUrl: string;
  /** The process id, while it runs. */
  readonly pid: number | undefined;
  /** Resolves once `/readyz` answers 200 (its caches are filled); rejects if the process exits first. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGTERM, as Kubernetes stops a pod: it drains, releases its Lease and exits. */
  stop(): Promise<void>;
  /** SIGKILL, as a crashed pod: the Lease stays held until it expires. */
  kill(): Promise<void>;
  /** Stops it (SIGTERM) and starts it again with the same identity, port and token. */
  restart(): Promise<void>;
};

function renderChart(
  helm: string,
  release: string,
  namespace: string,
  values: Record<string, string>,
): Manifest[] {
  return helmTemplate(helm, [
    release,
    path.join(repoRoot, CHART),
    '--namespace',
    namespace,
    ...Object.entries(values).flatMap(([key, value]) => [
      '--set',
      `${key}=${value}`,
    ]),
  ]);
}

/** A kubeconfig for the cluster of `admin` that authenticates with `token` only. */
function tokenKubeConfig(admin: KubeConfig, user: string, token: string) {
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('The kubeconfig has no current cluster');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: cluster.name,
        server: cluster.server,
        caData:
          cluster.caData ??
          (cluster.caFile
            ? fs.readFileSync(cluster.caFile).toString('base64')
            : undefined),
        skipTLSVerify: cluster.skipTLSVerify,
        tlsServerName: cluster.tlsServerName,
      },
    ],
    users: [{ name: user, token }],
    contexts: [{ name: 'operator', cluster: cluster.name, user }],
    currentContext: 'operator',
  });
  return kc;
}

/**
 * Installs the ServiceClaim operator into a PoP cluster the way its chart says,
 * as far as a cluster without a kubelet allows, and runs it as its own process
 * with the chart's ServiceAccount token (not the administrator's credentials):
 *
 * 1. `helm template` the chart (`pop` and `values`), install its CRD and apply
 *    its ServiceAccount, ClusterRole, Role and bindings (the Deployment,
 *    Service, PodDisruptionBudget and ServiceMonitor need a kubelet);
 * 2. ask the apiserver for a token of that ServiceAccount (TokenRequest: the
 *    apiserver signs it, no controller-manager is involved) and write a
 *    kubeconfig with it and the cluster's CA;
 * 3. start `operators/serviceclaim-operator/src/index.ts` with the Deployment's
 *    environment (the pod's name and namespace filled in, a free metrics port),
 *    stdout and stderr appended to `logFile`.
 *
 * Returns at once after the start; `ready()` waits for `/readyz`.
 */
export async function startPopOperator(
  options: PopOperatorOptions,
): Promise<PopOperator> {
  const found = findHelm();
  if ('missing' in found) throw new Error(found.missing);
  const namespace = options.namespace ?? 'dbaas-system';
  const release = options.release ?? 'serviceclaim-operator';
  const manifests = renderChart(found.helm, release, namespace, {
    pop: options.pop,
    // As a platform would set it: claims asking for TLS on the engines that
    // serve a Secret get a Certificate (no cert-manager runs here to issue it).
    tlsIssuer: 'dbaas-ca',
    ...options.values,
  });
  const deployment = manifests.find(m => m.kind === 'Deployment');
  const account = manifests.find(m => m.kind === 'ServiceAccount');
  if (!deployment || !account) {
    throw new Error(`${CHART} rendered no Deployment or ServiceAccount`);
  }

  const admin = options.kubeConfig;
  await installCrds(
    admin,
    loadCrds().filter(({ file }) => file.startsWith(`${CHART}/files/crds/`)),
  );
  const core = admin.makeApiClient(CoreV1Api);
  await core
    .createNamespace({ body: { metadata: { name: namespace } } })
    .catch(error => {
      if (error.code !== 409) throw error;
    });
  const objects = KubernetesObjectApi.makeApiClient(admin);
  for (const manifest of manifests.filter(m =>
    INSTALLED_KINDS.includes(m.kind!),
  )) {
    await objects.patch(
      manifest,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  }

  const accountName = account.metadata!.name!;
  const user = `system:serviceaccount:${namespace}:${accountName}`;
  const token = await core.createNamespacedServiceAccountToken({
    name: accountName,
    namespace,
    // No audiences: the apiserver's own. A day outlives any test run.
    body: { spec: { audiences: [], expirationSeconds: 86_400 } },
  });
  if (!token.status?.token) {
    throw new Error(`The apiserver issued no token for ${user}`);
  }
  const dir = fs.mkdtempSync(
    path.join(os.tmpdir(), `pop-operator-${options.pop}-`),
  );
  const kubeConfigFile = path.join(dir, 'kubeconfig');
  fs.writeFileSync(
    kubeConfigFile,
    tokenKubeConfig(admin, accountName, token.status.token).exportConfig(),
    { mode: 0o600 },
  );
  const logFile = options.logFile ?? path.join(dir, 'operator.log');

  const port = await freePort();
  const identity = `${release}-${options.pop}-0`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? os.homedir(),
    TMPDIR: os.tmpdir(),
    // V8's code cache across starts: loading the operator's modules was most of
    // its start (3.4 s cold, about 1 s with the cache).
    NODE_COMPILE_CACHE:
      process.env.NODE_COMPILE_CACHE ??
      path.join(os.tmpdir(), 'serviceclaim-operator-compile-cache'),
    ...podEnv(deployment, {
      fields: { 'metadata.name': identity, 'metadata.namespace': namespace },
    }),
    METRICS_PORT: String(port),
    KUBECONFIG: kubeConfigFile,
    ...options.env,
  };
  const operatorDir = path.join(repoRoot, 'operators/serviceclaim-operator');
  const metricsUrl = `http://127.0.0.1:${port}`;

  let child: ChildProcess | undefined;
  let imageProcess: ImageProcess | undefined;
  let exited: Promise<number | null> = Promise.resolve(null);
  const launch = () => {
    let started: ChildProcess;
    if (options.image) {
      // The image's user (not root) reads the kubeconfig, as a pod's user reads
      // its projected token.
      fs.chmodSync(dir, 0o755);
      fs.chmodSync(kubeConfigFile, 0o644);
      // The pod's environment only: the image brings its own PATH, HOME and Node.
      const { PATH, HOME, TMPDIR, NODE_COMPILE_CACHE, ...containerEnv } = env;
      imageProcess = runImage(options.image, {
        env: containerEnv,
        volumes: { [dir]: dir },
        logFile,
      });
      started = imageProcess.child;
      exited = imageProcess.exited;
    } else {
      const log = fs.openSync(logFile, 'a');
      started = spawn(
        process.execPath,
        [
          '--require',
          '@backstage/cli/config/nodeTransform.cjs',
          'src/index.ts',
        ],
        { cwd: operatorDir, env, stdio: ['ignore', log, log] },
      );
      fs.closeSync(log);
      exited = new Promise(resolve =>
        started.once('exit', code => resolve(code)),
      );
    }
    child = started;
    void exited.then(() => {
      if (child === started) child = undefined;
    });
  };
  const signal = (running: ChildProcess, name: NodeJS.Signals) => {
    if (imageProcess?.child === running) imageProcess.kill(name);
    else running.kill(name);
  };
  const end = async (name: NodeJS.Signals) => {
    const running = child;
    if (!running) return;
    signal(running, name);
    const done = exited;
    // The drain deadline plus the Lease's release, then no more waiting.
    const graceMs = (Number(env.DRAIN_SECONDS) || 0) * 1000 + 10_000;
    const timedOut = await Promise.race([
      done.then(() => false),
      delay(graceMs).then(() => true),
    ]);
    if (timedOut) {
      signal(running, 'SIGKILL');
      await done;
    }
  };
  launch();

  const operator: PopOperator = {
    pop: options.pop,
    namespace,
    user,
    kubeConfigFile,
    logFile,
    metricsUrl,
    get pid() {
      return child?.pid;
    },
    async ready(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (!child) {
          const tail = fs.readFileSync(logFile, 'utf8').slice(-2000);
          throw new Error(
            `The ${options.pop} operator exited before it was ready; its log ends:\n${tail}`,
          );
        }
        const answer = await fetch(`${metricsUrl}/readyz`).catch(
          () => undefined,
        );
        if (answer?.status === 200) return;
        if (Date.now() > deadline) {
          throw new Error(
            `The ${options.pop} operator was not ready within ${timeoutMs} ms; see ${logFile}`,
          );
        }
        await delay(100);
      }
    },
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    async restart() {
      await end('SIGTERM');
      launch();
    },
  };
  return operator;
}
