import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yaml from 'js-yaml';
import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  SERVICE_CLAIM_API,
  specFromSku,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { describeWhenAvailable } from '../describeWhenAvailable';
import { describeWithServices } from '../describeWithServices';
import { eventually } from '../eventually';
import { describeWithHelm } from '../helm/describeWithHelm';
import { runHelm } from '../helm/helmTemplate';
import { extractChart, findPreviousChart } from '../helm/previousChart';
import { kubeConfigFrom } from '../kube/kubeConfig';
import { repoRoot } from '../repoRoot';

jest.setTimeout(180_000);

const chartPath = 'charts/serviceclaim-operator';
const crdFileName = 'serviceclaims.dbaas.io.yaml';
// The field an older schema lacks, here: the test takes it out of the previous
// chart's CRD, as a schema that grew since would lack its newer fields.
const newField = 'observedGeneration';

/** The chart's CRD file: in files/crds/ since 0.2.0, in Helm's crds/ before. */
function crdFileOf(chartDir: string): string {
  const file = ['files/crds', 'crds']
    .map(folder => path.join(chartDir, folder, crdFileName))
    .find(candidate => fs.existsSync(candidate));
  if (!file) throw new Error(`${chartDir} has no ${crdFileName}`);
  return file;
}

/**
 * Moves the chart's CRD to `group`. The test's own CRD: the apiserver is shared with
 * suites that install the real one (installCrds) and run claims on it, which neither
 * an old schema nor a deleted CRD may disturb.
 */
function moveCrd(file: string, group: string, edit?: (crd: any) => void) {
  const crd = yaml.load(fs.readFileSync(file, 'utf8')) as any;
  crd.metadata.name = `${crd.spec.names.plural}.${group}`;
  crd.spec.group = group;
  edit?.(crd);
  fs.writeFileSync(file, yaml.dump(crd, { lineWidth: 100, noRefs: true }));
}

function schemasOf(crd: any): Record<string, unknown> {
  return Object.fromEntries(
    crd.spec.versions.map((version: any) => [
      version.name,
      version.schema.openAPIV3Schema,
    ]),
  );
}

describeWithHelm('charts/serviceclaim-operator upgrade', helm => {
  describeWhenAvailable(
    'from its previous version',
    'the previous version of the chart in git',
    findPreviousChart(chartPath),
    previous => {
      describeWithServices(['kube'], 'on a kube-apiserver', env => {
        const kc = kubeConfigFrom(env);
        const core = kc.makeApiClient(CoreV1Api);
        const apps = kc.makeApiClient(AppsV1Api);
        const custom = kc.makeApiClient(CustomObjectsApi);
        const suffix = Date.now().toString(36);
        const group = `upgrade-${suffix}.dbaas.test`;
        const crdName = `${SERVICE_CLAIM_API.plural}.${group}`;
        const namespace = `chart-upgrade-${suffix}`;
        const tenant = `tenant-upgrade-${suffix}`;
        const release = `sco-${suffix}`;
        const claimRef = {
          group,
          version: SERVICE_CLAIM_API.version,
          plural: SERVICE_CLAIM_API.plural,
          namespace: tenant,
          name: 'orders',
        };
        let workDir = '';
        let previousDir = '';
        let currentDir = '';
        let claimBefore: any;

        const helmOn = (args: string[]) =>
          runHelm(helm, [
            ...args,
            '--namespace',
            namespace,
            '--kubeconfig',
            env.DBAAS_KUBECONFIG,
          ]);
        const readCrd = () =>
          custom.getClusterCustomObject({
            group: 'apiextensions.k8s.io',
            version: 'v1',
            plural: 'customresourcedefinitions',
            name: crdName,
          }) as Promise<any>;
        const readClaim = () =>
          custom.getNamespacedCustomObject(claimRef) as Promise<any>;
        const writeStatus = (status: Record<string, unknown>) =>
          custom.patchNamespacedCustomObjectStatus(
            { ...claimRef, body: { status } },
            setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
          );

        beforeAll(async () => {
          workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-upgrade-'));
          fs.mkdirSync(path.join(workDir, 'previous'));
          previousDir = extractChart(previous, path.join(workDir, 'previous'));
          currentDir = path.join(workDir, 'current');
          fs.cpSync(path.join(repoRoot, chartPath), currentDir, {
            recursive: true,
          });
          moveCrd(crdFileOf(previousDir), group, crd => {
            for (const version of crd.spec.versions) {
              delete version.schema.openAPIV3Schema.properties.status
                .properties[newField];
            }
          });
          moveCrd(crdFileOf(currentDir), group);
          await core.createNamespace({ body: { metadata: { name: tenant } } });
        });

        afterAll(async () => {
          helmOn(['uninstall', release]);
          await custom.deleteNamespacedCustomObject(claimRef).catch(() => {});
          await custom
            .deleteClusterCustomObject({
              group: 'apiextensions.k8s.io',
              version: 'v1',
              plural: 'customresourcedefinitions',
              name: crdName,
            })
            .catch(() => {});
          for (const name of [namespace, tenant]) {
            await core.deleteNamespace({ name }).catch(() => {});
          }
          if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
        });

        it(`installs the previous version (${previous.version}); its CRD drops a status field it does not know`, async () => {
          const installed = helmOn([
            'install',
            release,
            previousDir,
            '--create-namespace',
            '--set',
            'pop=lagos',
          ]);
          expect(installed.stderr).toBe('');
          expect(installed.status).toBe(0);
          await eventually('the previous CRD served', () =>
            custom
              .createNamespacedCustomObject({
                ...claimRef,
                body: {
                  apiVersion: `${group}/${SERVICE_CLAIM_API.version}`,
                  kind: SERVICE_CLAIM_API.kind,
                  metadata: { name: claimRef.name },
                  spec: specFromSku(skuCatalog, 'pg-shared', 'lagos'),
                },
              })
              .catch(error => {
                if (error.code === 404) return undefined;
                throw error;
              }),
          );
          await writeStatus({ phase: 'Active', [newField]: 1 });
          claimBefore = await readClaim();
          expect(claimBefore.status).toEqual({ phase: 'Active' });
        });

        it('upgrades to this version: the CRD gets the generated schema and the keep policy, the claim stays as it was', async () => {
          const upgrade = () =>
            helmOn(['upgrade', release, currentDir, '--set', 'pop=lagos']);
          // A chart with crds/ (0.1.x) had Helm make the CRD without marking it as
          // the release's, and Helm takes it over only when asked (the README's
          // "Upgrading from 0.1.x"); from later versions a plain upgrade goes through.
          const fromCrdsFolder = fs.existsSync(path.join(previousDir, 'crds'));
          const plain = upgrade();
          expect({
            upgraded: plain.status === 0,
            refusedTheCrd: plain.stderr.includes('invalid ownership metadata'),
          }).toEqual({
            upgraded: !fromCrdsFolder,
            refusedTheCrd: fromCrdsFolder,
          });
          if (fromCrdsFolder) {
            // What the README's `kubectl label` and `kubectl annotate` do.
            await custom.patchClusterCustomObject(
              {
                group: 'apiextensions.k8s.io',
                version: 'v1',
                plural: 'customresourcedefinitions',
                name: crdName,
                body: {
                  metadata: {
                    labels: { 'app.kubernetes.io/managed-by': 'Helm' },
                    annotations: {
                      'meta.helm.sh/release-name': release,
                      'meta.helm.sh/release-namespace': namespace,
                    },
                  },
                },
              },
              setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
            );
          }
          const upgraded = upgrade();
          expect(upgraded.stderr).toBe('');
          expect(upgraded.status).toBe(0);

          const crd = await readCrd();
          const generated = yaml.load(
            fs.readFileSync(
              path.join(repoRoot, chartPath, 'files/crds', crdFileName),
              'utf8',
            ),
          );
          expect(schemasOf(crd)).toEqual(schemasOf(generated));
          expect(crd.metadata.annotations).toMatchObject({
            'helm.sh/resource-policy': 'keep',
            'meta.helm.sh/release-name': release,
          });
          // Untouched: not even rewritten.
          expect(await readClaim()).toEqual(claimBefore);
          // The operator's status field now stays.
          await writeStatus({ [newField]: 1 });
          expect((await readClaim()).status).toEqual({
            phase: 'Active',
            [newField]: 1,
          });
        });

        it('leaves the CRD and the claim on helm uninstall', async () => {
          const before = await readClaim();
          const deployments = () =>
            apps
              .listNamespacedDeployment({ namespace })
              .then(list => list.items.map(item => item.metadata?.name));
          expect(await deployments()).toHaveLength(1);
          const uninstalled = helmOn(['uninstall', release]);
          expect(uninstalled.status).toBe(0);
          expect(uninstalled.stdout).toContain(
            'kept due to the resource policy',
          );
          expect(await deployments()).toEqual([]);
          const crd = await readCrd();
          expect(crd.metadata.deletionTimestamp).toBeUndefined();
          expect(await readClaim()).toEqual(before);
        });
      });
    },
  );
});
