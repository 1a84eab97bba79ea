/* eslint-disable jest/no-export -- registers the suite's hooks for its caller */
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { SERVICE_CLAIM_API } from '@internal/backstage-plugin-dbaas-common';
import {
  eventually,
  installCrds,
  kubeConfigFrom,
} from '@internal/test-services';
import { ObjectApi } from '@internal/backstage-plugin-dbaas-node';
import { TEST_POP } from '../../__testUtils__/claimBody';
import { OwnedResources } from '../../controller/OwnedResources';
import { silentLogger } from '../../logger';
import {
  renderBackupRequest,
  renderClaim,
  renderFinalBackup,
} from '../../render/renderClaim';
import { claimBackups } from '../../status/claimBackups';
import { claimStatusFrom, relatedSources } from '../../status/claimStatus';
import { ClaimApi, type StoredClaim } from '../ClaimApi';
import { MANAGED_KINDS, MANAGED_SELECTOR } from '../managedKinds';
import type { ReconcileDeps } from '../ReconcileDeps';

export const claimApi = {
  group: SERVICE_CLAIM_API.group,
  version: SERVICE_CLAIM_API.version,
  plural: SERVICE_CLAIM_API.plural,
};
export const cnpg = { group: 'postgresql.cnpg.io', version: 'v1' };
export const monitoring = { group: 'monitoring.coreos.com', version: 'v1' };
export const mergePatch = setHeaderOptions(
  'Content-Type',
  PatchStrategy.MergePatch,
);

/**
 * What the reconcile suites share: a namespace of their own on the kube-apiserver
 * of `env` with every CRD installed, the cache of owned objects running, and the
 * reconcile's dependencies with the real render and status modules. Single tests
 * swap in a failure through `parts`, which is reset after each test. Registers
 * the suite's hooks, so call it at the top of the suite.
 */
export function reconcileOnKube(env: Record<string, string>, suite: string) {
  const kc = kubeConfigFrom(env);
  const core = kc.makeApiClient(CoreV1Api);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const namespace = `tenant-${suite}-${Date.now().toString(36)}`;
  const objects = ObjectApi.fromKubeConfig(kc);
  const claims = new ClaimApi(kc);
  const owned = new OwnedResources({
    kubeConfig: kc,
    objects,
    kinds: MANAGED_KINDS,
    labelSelector: MANAGED_SELECTOR,
    logger: silentLogger,
  });
  const parts: {
    render: ReconcileDeps['render'];
    finalBackup: ReconcileDeps['renderFinalBackup'];
  } = { render: renderClaim, finalBackup: renderFinalBackup };
  const deps: ReconcileDeps = {
    claims,
    objects,
    owned,
    managedKinds: () => owned.kinds(),
    render: (claim, ctx) => parts.render(claim, ctx),
    renderFinalBackup: (claim, ctx) => parts.finalBackup?.(claim, ctx),
    statusFrom: claimStatusFrom,
    related: relatedSources,
    backups: claimBackups,
    renderBackupRequest,
    context: {
      pop: TEST_POP,
      platformNamespaces: ['monitoring'],
      backupDestinationDefault: 's3://dbaas-backups-frankfurt',
      tlsIssuer: 'dbaas-ca',
    },
    logger: silentLogger,
    finalBackupPollMs: 1_000,
    deletionPollMs: 500,
    relatedPollMs: 2_000,
  };

  beforeAll(async () => {
    // Every CRD, so each resource the renderer makes meets its owner's schema.
    await installCrds(kc);
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    owned.start();
    await eventually('owned cache synced', () => owned.synced);
  });

  afterAll(async () => {
    await owned.stop();
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  afterEach(() => {
    parts.render = renderClaim;
    parts.finalBackup = renderFinalBackup;
  });

  return {
    namespace,
    custom,
    claims,
    owned,
    deps,
    parts,
    createClaim: (body: object) =>
      custom.createNamespacedCustomObject({ ...claimApi, namespace, body }),
    getClaim: async (name: string) =>
      (await claims.get(namespace, name)) as StoredClaim,
    read: (plural: string, name: string, api = cnpg) =>
      custom
        .getNamespacedCustomObject({ ...api, namespace, plural, name })
        .catch(() => undefined),
    patchSpec: (name: string, spec: object) =>
      custom.patchNamespacedCustomObject(
        { ...claimApi, namespace, name, body: { spec } },
        mergePatch,
      ),
    conditionOf: (claim: StoredClaim, type = 'Ready') =>
      claim.status?.conditions?.find(c => c.type === type),
  };
}
