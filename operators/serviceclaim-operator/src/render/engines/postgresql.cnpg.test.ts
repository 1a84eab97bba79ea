import https from 'node:https';
import {
  BatchV1Api,
  CoreV1Api,
  RbacAuthorizationV1Api,
  type KubeConfig,
  type V1Job,
} from '@kubernetes/client-node';
import type { ServiceClaimSpec } from '@internal/backstage-plugin-dbaas-common';
import {
  describeWithServices,
  eventually,
  kubeConfigFrom,
} from '@internal/test-services';
import { TEST_POP, claimBody } from '../../__testUtils__/claimBody';
import { reconcileOnKube } from '../../reconcile/__testUtils__/reconcileOnKube';
import { reconcileClaim } from '../../reconcile/reconcileClaim';
import { FIELD_MANAGER } from '../../reconcile/serverSideApply';
import { renderClaim } from '../renderClaim';
import type { RenderedResource } from '../types';

jest.setTimeout(120_000);

/** The kinds we render for CloudNativePG and its plugin, by group. */
const PLURALS: Record<string, Record<string, string>> = {
  'postgresql.cnpg.io': {
    Cluster: 'clusters',
    ScheduledBackup: 'scheduledbackups',
    Backup: 'backups',
  },
  'barmancloud.cnpg.io': { ObjectStore: 'objectstores' },
};

// The real CloudNativePG v1.30.0 (controller and admission webhooks) with its
// Barman Cloud plugin v0.14.0, on a kube-apiserver of their own
// (scripts/services/cnpg.sh). Our operator reconciles each claim there as it does
// in a PoP; CloudNativePG then does everything short of what a kubelet does: no
// pod or Job ever runs here, so a cluster stops at "Setting up primary" with its
// bootstrap Job, PVC, Services, Secrets and RBAC made. That is what these tests
// read, as the claim promises it.
describeWithServices(
  ['cnpg'],
  'PostgreSQL claims on the real CloudNativePG and its Barman Cloud plugin',
  env => {
    const cnpgEnv = { ...env, DBAAS_KUBECONFIG: env.DBAAS_CNPG_KUBECONFIG };
    const kube = reconcileOnKube(cnpgEnv, 'cnpg');
    const { namespace, deps } = kube;
    const kc = kubeConfigFrom(cnpgEnv);
    const core = kc.makeApiClient(CoreV1Api);
    const batch = kc.makeApiClient(BatchV1Api);
    const rbac = kc.makeApiClient(RbacAuthorizationV1Api);
    const pop = TEST_POP;

    type Case = {
      name: string;
      sku: string;
      edit?: (spec: ServiceClaimSpec) => void;
      instances: number;
      replica?: boolean;
      backups: boolean;
      zones: boolean;
    };
    const cases: Case[] = [
      {
        name: 'shared',
        sku: 'pg-shared',
        instances: 1,
        backups: true,
        zones: false,
      },
      { name: 'ha', sku: 'pg-ha', instances: 3, backups: true, zones: false },
      {
        name: 'clustered',
        sku: 'pg-clustered',
        instances: 3,
        backups: true,
        zones: true,
      },
      {
        // The primary cluster of a global claim: this PoP first of three.
        name: 'global',
        sku: 'pg-global',
        edit: spec => {
          spec.replication.regions = [pop, 'lagos', 'johannesburg'];
        },
        instances: 2,
        backups: true,
        zones: true,
      },
      {
        // A replica cluster: the primary is in lagos, this PoP follows it.
        name: 'replica',
        sku: 'pg-global',
        edit: spec => {
          spec.region = 'lagos';
          spec.replication.regions = ['lagos', pop];
        },
        instances: 3,
        replica: true,
        backups: true,
        zones: true,
      },
      {
        name: 'nobackup',
        sku: 'pg-ha',
        edit: spec => {
          spec.backup = { enabled: false };
        },
        instances: 3,
        backups: false,
        zones: false,
      },
    ];

    it.each(cases)(
      'reconciles $sku ($name) to where a kubelet takes over, with no error and no warning',
      async c => {
        const body = claimBody(namespace, c.name, { sku: c.sku, edit: c.edit });
        await kube.createClaim(body);
        await reconcileClaim(deps, `${namespace}/${c.name}`);

        // What we render for CloudNativePG and its plugin, sent again as a dry
        // run: the webhooks answer with their admission warnings (deprecated
        // fields, risky settings).
        const stored = await kube.getClaim(c.name);
        const rendered = renderClaim(
          { ...stored, spec: body.spec },
          deps.context,
        ).filter(r => r.apiVersion.split('/')[0] in PLURALS);
        expect(rendered.map(r => r.kind)).toContain('Cluster');
        const warnings = await Promise.all(
          rendered.map(async resource => ({
            object: `${resource.kind}/${resource.metadata.name}`,
            warnings: await dryRunWarnings(kc, resource),
          })),
        );
        expect(warnings).toEqual(
          rendered.map(resource => ({
            object: `${resource.kind}/${resource.metadata.name}`,
            warnings: [],
          })),
        );

        const cluster: any = await eventually(
          'CloudNativePG sets up the primary',
          async () => {
            const found: any = await kube.read('clusters', c.name);
            return found?.status?.phase === 'Setting up primary'
              ? found
              : undefined;
          },
        );
        expect(cluster.spec.instances).toBe(c.instances);
        // Nothing of the plugin went wrong: it answered CloudNativePG's calls.
        expect(
          (cluster.status.pluginStatus ?? []).map((p: any) => p.name),
        ).toEqual(c.backups ? ['barman-cloud.cloudnative-pg.io'] : []);

        // The bootstrap Job: initdb for a primary, a recovery from the
        // primary's archive (through the plugin) for a replica cluster.
        const jobName = `${c.name}-1-${c.replica ? 'full-recovery' : 'initdb'}`;
        const job = await eventually(`Job ${jobName}`, () =>
          batch
            .readNamespacedJob({ namespace, name: jobName })
            .catch(() => undefined),
        );
        const pod = job.spec!.template.spec!;
        const main = pod.containers[0];
        expect(main.image).toBe(
          'ghcr.io/cloudnative-pg/postgresql:17.10-standard-trixie',
        );
        const size = body.spec.resources.instance;
        expect(main.resources).toEqual({
          requests: { cpu: size.cpu, memory: size.memory },
          limits: { cpu: size.cpu, memory: size.memory },
        });
        expect(pod.nodeSelector).toEqual({
          'dbaas.io/node-pool': c.sku === 'pg-shared' ? 'shared' : 'dedicated',
        });
        expect(
          pod.affinity?.podAntiAffinity
            ?.preferredDuringSchedulingIgnoredDuringExecution?.[0]
            .podAffinityTerm.topologyKey,
        ).toBe(c.instances > 1 ? 'kubernetes.io/hostname' : undefined);
        expect(
          (pod.topologySpreadConstraints ?? []).map(t => t.topologyKey),
        ).toEqual(c.zones ? ['topology.kubernetes.io/zone'] : []);
        // The plugin injects its sidecar where a Job reads the archive.
        const sidecar = pluginSidecar(job);
        expect(
          sidecar && { image: sidecar.image, resources: sidecar.resources },
        ).toEqual(
          c.replica
            ? {
                image:
                  'ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.14.0',
                resources: {
                  requests: { cpu: '500m', memory: '512Mi' },
                  limits: { cpu: '500m', memory: '512Mi' },
                },
              }
            : undefined,
        );

        const pvc = await core.readNamespacedPersistentVolumeClaim({
          namespace,
          name: `${c.name}-1`,
        });
        expect(pvc.spec?.resources?.requests?.storage).toBe(
          body.spec.storage.size,
        );
        expect(pvc.metadata?.labels).toMatchObject({
          'dbaas.io/service-id': `svc-${c.name}`,
        });

        const services = (await core.listNamespacedService({ namespace }))
          .items;
        expect(
          services
            .map(s => s.metadata!.name!)
            .filter(n => n.startsWith(`${c.name}-`))
            .sort(),
        ).toEqual([`${c.name}-r`, `${c.name}-ro`, `${c.name}-rw`]);
        const secrets = (await core.listNamespacedSecret({ namespace })).items
          .map(s => s.metadata!.name!)
          .filter(n => n.startsWith(`${c.name}-`));
        // No superuser password anywhere; the app user's Secret where the
        // app role is made (a replica cluster gets it through the WAL).
        expect(secrets).not.toContain(`${c.name}-superuser`);
        expect(secrets.includes(`${c.name}-app`)).toBe(!c.replica);

        // The plugin's reconciler hook gives the instances' ServiceAccount
        // the claim's ObjectStore and the backup credentials, nothing more.
        const role = await rbac
          .readNamespacedRole({ namespace, name: `${c.name}-barman-cloud` })
          .catch(() => undefined);
        expect(role?.rules?.flatMap(r => r.resourceNames ?? []).sort()).toEqual(
          c.backups
            ? [
                `${c.name}-store`,
                `${c.name}-store`,
                'dbaas-backup-credentials',
              ].sort()
            : undefined,
        );

        // And the claim says what CloudNativePG says.
        await reconcileClaim(deps, `${namespace}/${c.name}`);
        const claim = await kube.getClaim(c.name);
        expect(claim.status?.phase).toBe('Provisioning');
        expect(kube.conditionOf(claim)).toMatchObject({
          status: 'False',
          reason: 'SettingUp',
        });
        expect(claim.status?.connection?.host).toBe(
          `${c.name}-${c.replica ? 'r' : 'rw'}.${namespace}.svc`,
        );
        // A Secret the claim names is one CloudNativePG made.
        const secretRef = claim.status?.connection?.passwordSecretRef;
        expect(secretRef ? secrets.includes(secretRef.name) : c.replica).toBe(
          true,
        );
      },
    );

    // Restores of another claim's backup ("orders", which need not exist
    // here: nothing is read from its archive until the Job runs). The
    // recovery Job is as far as CloudNativePG goes without a kubelet; what the
    // archive then holds is PostgreSQL's business.
    type RestoreCase = {
      name: string;
      sku: string;
      restore: NonNullable<ServiceClaimSpec['restore']>;
      recoveryTarget: Record<string, unknown>;
      message: RegExp;
    };
    const restores: RestoreCase[] = [
      {
        name: 'restored',
        sku: 'pg-ha',
        restore: { source: 'orders', backup: '20260301T060000' },
        recoveryTarget: { backupID: '20260301T060000', targetImmediate: true },
        message:
          /^Restoring from backup 20260301T060000 of orders: Setting up primary/,
      },
      {
        name: 'restored-pit',
        sku: 'pg-shared',
        restore: {
          source: 'orders',
          destination: 's3://tenant-backups/orders',
          backup: '20260301T060000',
          pointInTime: '2026-03-01T13:30:00.25+01:00',
        },
        recoveryTarget: {
          backupID: '20260301T060000',
          targetTime: '2026-03-01T12:30:00.25Z',
        },
        message:
          /^Restoring from backup 20260301T060000 of orders to 2026-03-01T13:30:00.25\+01:00: Setting up primary/,
      },
    ];

    it.each(restores)(
      "restores $name from the source's archive: admitted with no warning, up to the full-recovery Job, through the plugin",
      async c => {
        const body = claimBody(namespace, c.name, {
          sku: c.sku,
          edit: spec => {
            spec.restore = c.restore;
          },
        });
        await kube.createClaim(body);
        await reconcileClaim(deps, `${namespace}/${c.name}`);

        const stored = await kube.getClaim(c.name);
        const rendered = renderClaim(
          { ...stored, spec: body.spec },
          deps.context,
        ).filter(r => r.apiVersion.split('/')[0] in PLURALS);
        expect(rendered.map(r => `${r.kind}/${r.metadata.name}`)).toEqual(
          expect.arrayContaining([
            `Cluster/${c.name}`,
            `ObjectStore/${c.name}-restore-source`,
            `ObjectStore/${c.name}-store`,
          ]),
        );
        const warnings = await Promise.all(
          rendered.map(async resource => ({
            object: `${resource.kind}/${resource.metadata.name}`,
            warnings: await dryRunWarnings(kc, resource),
          })),
        );
        expect(warnings).toEqual(
          rendered.map(resource => ({
            object: `${resource.kind}/${resource.metadata.name}`,
            warnings: [],
          })),
        );

        // Both ObjectStores are the claim's, as the operator applied them.
        for (const store of [`${c.name}-restore-source`, `${c.name}-store`]) {
          const object: any = await kube.read('objectstores', store, {
            group: 'barmancloud.cnpg.io',
            version: 'v1',
          });
          expect(object?.metadata.ownerReferences).toEqual([
            expect.objectContaining({ uid: stored.metadata.uid }),
          ]);
          expect(object?.metadata.labels).toMatchObject({
            'app.kubernetes.io/managed-by': 'serviceclaim-operator',
            'app.kubernetes.io/instance': c.name,
          });
        }

        const cluster: any = await eventually(
          'CloudNativePG sets up the primary from the backup',
          async () => {
            const found: any = await kube.read('clusters', c.name);
            return found?.status?.phase === 'Setting up primary'
              ? found
              : undefined;
          },
        );
        expect(cluster.spec.bootstrap.recovery).toMatchObject({
          source: 'restore-source',
          database: 'app',
          owner: 'app',
          recoveryTarget: c.recoveryTarget,
        });
        // The plugin answered CloudNativePG's calls, with no error.
        expect(
          (cluster.status.pluginStatus ?? []).map((p: any) => p.name),
        ).toEqual(['barman-cloud.cloudnative-pg.io']);
        expect(cluster.status.phaseReason).toBe(
          `Creating primary instance ${c.name}-1`,
        );

        // CloudNativePG's recovery Job for the first instance
        // (pkg/specs/jobs.go: jobRoleFullRecovery), with the plugin's
        // sidecar, sized by the restore-source ObjectStore (the plugin's
        // collectSidecarResourcesForRecoveryJob), to read the source's archive.
        const jobName = `${c.name}-1-full-recovery`;
        const job = await eventually(`Job ${jobName}`, () =>
          batch
            .readNamespacedJob({ namespace, name: jobName })
            .catch(() => undefined),
        );
        const main = job.spec!.template.spec!.containers[0];
        expect(main.command).toEqual(
          expect.arrayContaining(['instance', 'restore']),
        );
        const sidecar = pluginSidecar(job);
        expect(
          sidecar && { image: sidecar.image, resources: sidecar.resources },
        ).toEqual({
          image: 'ghcr.io/cloudnative-pg/plugin-barman-cloud-sidecar:v0.14.0',
          resources: {
            requests: { cpu: '500m', memory: '512Mi' },
            limits: { cpu: '500m', memory: '512Mi' },
          },
        });
        // And no initdb: nothing starts empty.
        expect(
          await batch
            .readNamespacedJob({ namespace, name: `${c.name}-1-initdb` })
            .catch(() => undefined),
        ).toBeUndefined();

        // The plugin gives the instances the source's archive to read, beside
        // the claim's own, with the same credentials.
        const role = await eventually(`Role ${c.name}-barman-cloud`, () =>
          rbac
            .readNamespacedRole({ namespace, name: `${c.name}-barman-cloud` })
            .catch(() => undefined),
        );
        expect(role.rules?.flatMap(r => r.resourceNames ?? []).sort()).toEqual(
          [
            `${c.name}-restore-source`,
            `${c.name}-restore-source`,
            `${c.name}-store`,
            `${c.name}-store`,
            'dbaas-backup-credentials',
          ].sort(),
        );
        // CloudNativePG makes the app user's Secret for a recovery naming
        // its owner, as for initdb.
        const secrets = (await core.listNamespacedSecret({ namespace })).items
          .map(s => s.metadata!.name!)
          .filter(n => n.startsWith(`${c.name}-`));
        expect(secrets).toContain(`${c.name}-app`);
        expect(secrets).not.toContain(`${c.name}-superuser`);

        await reconcileClaim(deps, `${namespace}/${c.name}`);
        const claim = await kube.getClaim(c.name);
        expect(claim.status?.phase).toBe('Provisioning');
        expect(kube.conditionOf(claim)).toMatchObject({
          status: 'False',
          reason: 'Restoring',
          message: expect.stringMatching(c.message),
        });
      },
    );

    it('fails a restore whose source archive is unknown rather than bring up an empty database', async () => {
      await kube.createClaim(
        claimBody(namespace, 'restore-nowhere', {
          sku: 'pg-shared',
          edit: spec => {
            spec.restore = { source: 'orders', backup: '20260301T060000' };
          },
        }),
      );
      const noDefault = {
        ...deps,
        context: { ...deps.context, backupDestinationDefault: undefined },
      };
      await expect(
        reconcileClaim(noDefault, `${namespace}/restore-nowhere`),
      ).rejects.toThrow(/Cannot restore from orders/);
      const claim = await kube.getClaim('restore-nowhere');
      expect(claim.status?.phase).toBe('Failed');
      expect(kube.conditionOf(claim)).toMatchObject({
        status: 'False',
        reason: 'RenderFailed',
        message: expect.stringMatching(
          /^Cannot restore from orders: its backup destination is unknown/,
        ),
      });
      expect(await kube.read('clusters', 'restore-nowhere')).toBeUndefined();
    });

    it("refuses, through CloudNativePG's webhook, a claim edited to downgrade, and the claim says why", async () => {
      await kube.createClaim(
        claimBody(namespace, 'downgrade', { sku: 'pg-ha' }),
      );
      await reconcileClaim(deps, `${namespace}/downgrade`);
      // Edited in the GitOps repository, past the portal's own checks.
      await kube.patchSpec('downgrade', { version: '16' });
      await expect(
        reconcileClaim(deps, `${namespace}/downgrade`),
      ).rejects.toThrow(/can't downgrade from major 17 to 16/);
      const cluster: any = await kube.read('clusters', 'downgrade');
      expect(cluster.spec.imageName).toMatch(/:17\./);
      const claim = await kube.getClaim('downgrade');
      expect(kube.conditionOf(claim)).toMatchObject({
        status: 'False',
        reason: 'ApplyFailed',
        message: expect.stringMatching(/can't downgrade from major 17 to 16/),
      });
    });
  },
);

/** The plugin's container injected into a Job's pod, if any. */
function pluginSidecar(job: V1Job) {
  return job.spec?.template.spec?.initContainers?.find(
    c => c.name === 'plugin-barman-cloud',
  );
}

/**
 * The admission warnings for `resource`, from a server-side apply dry run.
 * client-node drops response headers, so this asks the apiserver itself.
 */
async function dryRunWarnings(
  kc: KubeConfig,
  resource: RenderedResource,
): Promise<string[]> {
  const [group, version] = resource.apiVersion.split('/');
  const plural = PLURALS[group][resource.kind];
  const url = new URL(
    `${kc.getCurrentCluster()!.server}/apis/${group}/${version}/namespaces/${
      resource.metadata.namespace
    }/${plural}/${resource.metadata.name}`,
  );
  // As the operator applies it, so fields it no longer sends are dropped.
  url.search = `dryRun=All&fieldManager=${FIELD_MANAGER}&force=true`;
  const options: https.RequestOptions = {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/apply-patch+yaml' },
  };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const request = https.request(url, options, response => {
      const chunks: Buffer[] = [];
      response.on('data', chunk => chunks.push(chunk));
      response.on('end', () => {
        if ((response.statusCode ?? 500) >= 300) {
          reject(
            new Error(
              `dry run of ${url.pathname}: ${
                response.statusCode
              } ${Buffer.concat(chunks).toString()}`,
            ),
          );
          return;
        }
        const header = response.headers.warning ?? [];
        resolve(
          (Array.isArray(header) ? header : [header]).map(w =>
            w.replace(/^299 - /, ''),
          ),
        );
      });
    });
    request.on('error', reject);
    request.end(JSON.stringify(resource));
  });
}
