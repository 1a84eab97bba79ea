import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mockServices } from '@backstage/backend-test-utils';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import {
  DBAAS_LABELS,
  SERVICE_CLAIM_API,
  skuCatalog,
  specFromSku,
} from '@internal/backstage-plugin-dbaas-common';
import {
  describeWithServices,
  installCrds,
  kubeConfigFrom,
  loadCrds,
} from '@internal/test-services';
import { ensureLocalGitOpsRepository } from '../gitops/ensureLocalGitOpsRepository';
import { claimYaml } from '../status/__testUtils__/claimYaml';
import { commitToBareRepository } from '../status/__testUtils__/commitToBareRepository';
import {
  GITOPS_SYNC_FIELD_MANAGER,
  GITOPS_SYNC_SOURCE_ANNOTATION,
  MANAGED_BY_PORTAL_LABEL,
  syncGitOpsToCluster,
} from './gitopsSync';

jest.setTimeout(60_000);

const claimApi = {
  group: SERVICE_CLAIM_API.group,
  version: SERVICE_CLAIM_API.version,
  plural: SERVICE_CLAIM_API.plural,
};

describeWithServices(['kube'], 'syncGitOpsToCluster', env => {
  const kc = kubeConfigFrom(env);
  const objects = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const logger = mockServices.logger.mock();
  // The apiserver outlives test runs and cannot delete namespaces (it runs no
  // controllers), so every run gets its own tenant.
  const tenant = `payments-${Date.now().toString(36)}`;
  const namespace = `tenant-${tenant}`;
  const file = (name: string) => `tenants/${tenant}/${name}.yaml`;
  let root: string;
  let gitdir: string;

  const sync = () =>
    syncGitOpsToCluster({ repositoryPath: gitdir, kubeConfig: kc, logger });
  const claimNames = async () =>
    (await objects.listNamespacedCustomObject({ ...claimApi, namespace })).items
      .map((item: any) => item.metadata.name)
      .sort();

  beforeAll(async () => {
    await installCrds(
      kc,
      loadCrds().filter(c => c.crd.metadata?.name === 'serviceclaims.dbaas.io'),
    );
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-gitops-sync-'));
    gitdir = path.join(root, 'gitops.git');
    await ensureLocalGitOpsRepository(gitdir);
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('does nothing, and deletes nothing, before the first commit', async () => {
    await expect(sync()).resolves.toEqual({
      applied: 0,
      pruned: 0,
      namespacesCreated: 0,
      skipped: 0,
      failed: 0,
    });
  });

  it("applies main's claims into the tenant's new namespace, then prunes the one removed", async () => {
    const first = await commitToBareRepository(
      gitdir,
      {
        'README.md': 'Claims of the DBaaS portal',
        [file('orders')]: claimYaml({
          tenant,
          name: 'orders',
          serviceId: 'svc-orders',
        }),
        [file('ledger')]: claimYaml({
          tenant,
          name: 'ledger',
          serviceId: 'svc-ledger',
        }),
      },
      'Create orders and ledger',
    );

    await expect(sync()).resolves.toEqual({
      commit: first,
      applied: 2,
      pruned: 0,
      namespacesCreated: 1,
      skipped: 0,
      failed: 0,
    });
    await expect(core.readNamespace({ name: namespace })).resolves.toBeTruthy();
    expect(await claimNames()).toEqual(['ledger', 'orders']);
    const orders = await objects.getNamespacedCustomObject({
      ...claimApi,
      namespace,
      name: 'orders',
    });
    expect(orders.spec).toEqual(specFromSku(skuCatalog, 'pg-shared', 'lagos'));
    expect(orders.metadata.labels[DBAAS_LABELS.serviceId]).toBe('svc-orders');
    expect(orders.metadata.managedFields.map((f: any) => f.manager)).toContain(
      GITOPS_SYNC_FIELD_MANAGER,
    );
    expect(orders.metadata.annotations[GITOPS_SYNC_SOURCE_ANNOTATION]).toBe(
      gitdir,
    );

    // Unchanged repository: applied again, nothing created or pruned.
    await expect(sync()).resolves.toMatchObject({
      applied: 2,
      pruned: 0,
      namespacesCreated: 0,
    });

    const second = await commitToBareRepository(
      gitdir,
      {
        [file('orders')]: claimYaml({
          tenant,
          name: 'orders',
          serviceId: 'svc-orders',
        }),
      },
      'Decommission ledger',
    );
    await expect(sync()).resolves.toEqual({
      commit: second,
      applied: 1,
      pruned: 1,
      namespacesCreated: 0,
      skipped: 0,
      failed: 0,
    });
    expect(await claimNames()).toEqual(['orders']);
  });

  it('prunes neither claims it did not apply nor anything while a manifest is broken', async () => {
    // A portal-labelled claim someone applied by hand: not Argo CD's to delete.
    await objects.createNamespacedCustomObject({
      ...claimApi,
      namespace,
      fieldManager: 'kubectl-client-side-apply',
      body: {
        apiVersion: `${claimApi.group}/${claimApi.version}`,
        kind: SERVICE_CLAIM_API.kind,
        metadata: {
          name: 'by-hand',
          namespace,
          labels: {
            [DBAAS_LABELS.serviceId]: 'svc-by-hand',
            [MANAGED_BY_PORTAL_LABEL.key]: MANAGED_BY_PORTAL_LABEL.value,
          },
        },
        spec: specFromSku(skuCatalog, 'pg-shared', 'lagos'),
      },
    });
    await commitToBareRepository(
      gitdir,
      {
        [file('orders')]: claimYaml({
          tenant,
          name: 'orders',
          serviceId: 'svc-orders',
        }),
      },
      'No change',
    );
    await expect(sync()).resolves.toMatchObject({ applied: 1, pruned: 0 });
    expect(await claimNames()).toEqual(['by-hand', 'orders']);

    // orders' file is gone, but another file does not parse: keep everything.
    await commitToBareRepository(
      gitdir,
      { [file('broken')]: 'apiVersion: [unclosed' },
      'Broken manifest',
    );
    await expect(sync()).resolves.toMatchObject({
      applied: 0,
      pruned: 0,
      failed: 1,
    });
    expect(await claimNames()).toEqual(['by-hand', 'orders']);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('not pruning this round'),
    );
  });

  it('counts and explains a claim the apiserver refuses, and applies the rest', async () => {
    await commitToBareRepository(
      gitdir,
      {
        [file('orders')]: claimYaml({
          tenant,
          name: 'orders',
          serviceId: 'svc-orders',
        }),
        [file('refused')]: claimYaml({
          tenant,
          name: 'refused',
          serviceId: 'svc-refused',
        }).replace(/engine: \S+/, 'engine: nosuchengine'),
      },
      'A claim the CRD schema refuses',
    );
    await expect(sync()).resolves.toMatchObject({ applied: 1, failed: 1 });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/refused failed: HTTP 422: .*spec\.engine/),
    );
    expect(await claimNames()).toEqual(['by-hand', 'orders']);
  });

  it('skips documents that are not ServiceClaims or name another namespace', async () => {
    await commitToBareRepository(
      gitdir,
      {
        [file('orders')]: [
          claimYaml({ tenant, name: 'orders', serviceId: 'svc-orders' }),
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\n',
        ].join('---\n'),
        [file('elsewhere')]: claimYaml({
          tenant: 'someone-else',
          name: 'elsewhere',
          serviceId: 'svc-elsewhere',
        }),
      },
      'Odd documents',
    );
    await expect(sync()).resolves.toMatchObject({
      applied: 1,
      skipped: 2,
      failed: 0,
    });
    expect(await claimNames()).toEqual(['by-hand', 'orders']);
  });
});
