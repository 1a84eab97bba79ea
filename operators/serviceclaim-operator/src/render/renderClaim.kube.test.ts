import {
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { SERVICE_CLAIM_API } from '@internal/backstage-plugin-dbaas-common';
import {
  describeWithServices,
  installCrds,
  kubeConfigFrom,
  loadCrds,
} from '@internal/test-services';
import {
  claimCases,
  claimFrom,
  contextFor,
  type ClaimCase,
} from './__testUtils__/skuClaims';
import { renderClaim, renderFinalBackup } from './renderClaim';
import type { ClaimObject, RenderedResource } from './types';

jest.setTimeout(180_000);

// The API groups a claim renders into, besides the core ones.
const GROUPS = [
  SERVICE_CLAIM_API.group,
  'operator.yugabyte.io',
  'planetscale.com',
  'scylla.scylladb.com',
  'dragonflydb.io',
  'asdb.aerospike.com',
  'psmdb.percona.com',
  'postgresql.cnpg.io',
  'barmancloud.cnpg.io',
  'cert-manager.io',
  'monitoring.coreos.com',
];

/**
 * The paths the SKUs do not take: other backup destinations, a TLS
 * certificate, backups and metrics off.
 */
function optionCases(): ClaimCase[] {
  const base = claimCases().filter(
    (c, i, all) => all.findIndex(o => o.engine === c.engine) === i,
  );
  const variant = (
    c: ClaimCase,
    suffix: string,
    edit: (spec: ClaimCase['spec']) => void,
  ): ClaimCase => {
    const spec = structuredClone(c.spec);
    edit(spec);
    return { ...c, id: `${c.id}-${suffix}`, spec };
  };
  return base.flatMap(c => [
    variant(c, 'gs', spec => {
      spec.backup.destination = 'gs://tenant-backups/db';
      spec.networking = {
        tls: { enabled: true, certificate: 'tenant-tls' },
        allowedCIDRs: ['10.0.0.0/8', '192.168.1.0/24'],
      };
    }),
    variant(c, 'az', spec => {
      spec.backup.destination = 'azure://account/container/db';
    }),
    variant(c, 'off', spec => {
      spec.backup = { enabled: false };
      spec.observability = {
        metrics: { enabled: false },
        logs: { enabled: false },
      };
    }),
  ]);
}

/** Whether `actual` holds everything in `expected` (the apiserver may add defaults). */
function covers(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => covers(actual[i], item))
    );
  }
  if (expected && typeof expected === 'object') {
    return (
      !!actual &&
      typeof actual === 'object' &&
      Object.entries(expected).every(([key, value]) =>
        covers((actual as Record<string, unknown>)[key], value),
      )
    );
  }
  return actual === expected;
}

function why(error: any): string {
  const body = error?.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body).message ?? body;
    } catch {
      return body;
    }
  }
  return body?.message ?? String(error?.message ?? error);
}

describeWithServices(
  ['kube'],
  'rendered claims on a kube-apiserver with the engine CRDs',
  env => {
    const kc = kubeConfigFrom(env);
    const core = kc.makeApiClient(CoreV1Api);
    const custom = kc.makeApiClient(CustomObjectsApi);
    const objects = KubernetesObjectApi.makeApiClient(kc);
    const run = Date.now().toString(36);
    const cases = [...claimCases(), ...optionCases()];
    const pops = [...new Set(cases.flatMap(c => c.pops))];
    // Every PoP holds its own copy of a tenant's claims: one namespace per PoP.
    const namespaceOf = (pop: string) => `tenant-render-${run}-${pop}`;

    beforeAll(async () => {
      await installCrds(
        kc,
        loadCrds().filter(c => GROUPS.includes(c.crd.spec.group)),
      );
      for (const pop of pops) {
        await core.createNamespace({
          body: { metadata: { name: namespaceOf(pop) } },
        });
      }
    });

    afterAll(async () => {
      for (const pop of pops) {
        await core
          .deleteNamespace({ name: namespaceOf(pop) })
          .catch(() => undefined);
      }
    });

    /** Creates the claim, so owner references name a real uid, and returns it as read. */
    async function createClaim(claim: ClaimObject): Promise<ClaimObject> {
      const created = (await custom.createNamespacedCustomObject({
        group: SERVICE_CLAIM_API.group,
        version: SERVICE_CLAIM_API.version,
        namespace: claim.metadata.namespace,
        plural: SERVICE_CLAIM_API.plural,
        body: {
          apiVersion: claim.apiVersion,
          kind: claim.kind,
          metadata: {
            name: claim.metadata.name,
            labels: claim.metadata.labels,
            annotations: claim.metadata.annotations,
          },
          spec: claim.spec,
        },
      })) as ClaimObject;
      return { ...claim, metadata: { ...claim.metadata, ...created.metadata } };
    }

    async function apply(
      resource: RenderedResource,
    ): Promise<KubernetesObject> {
      return objects.patch(
        resource as KubernetesObject,
        undefined,
        undefined,
        'serviceclaim-operator',
        true,
        PatchStrategy.ServerSideApply,
      );
    }

    it.each(cases.flatMap(c => c.pops.map(pop => [c.id, pop, c] as const)))(
      'accepts everything a claim on %s renders in %s, as rendered',
      async (id, pop, { spec }) => {
        const claim = await createClaim(
          claimFrom(id, spec, { namespace: namespaceOf(pop) }),
        );
        const rendered = renderClaim(claim, contextFor(pop));
        // Only a MongoDB cluster stays out of a claim's other regions.
        expect(rendered.length > 0).toBe(
          spec.engine !== 'mongodb' || pop === spec.region,
        );
        const final = renderFinalBackup(claim, contextFor(pop));
        const rejections: string[] = [];
        for (const resource of [...rendered, ...(final ? [final] : [])]) {
          const what = `${resource.kind}/${resource.metadata.name}`;
          try {
            const stored = (await apply(resource)) as RenderedResource;
            if (stored.metadata.ownerReferences[0].uid !== claim.metadata.uid) {
              rejections.push(`${what}: stored without its owner reference`);
            }
            // Nothing pruned as unknown: the engine sees what was rendered.
            // (Built-in kinds come back as the client's model classes; the
            // apiserver types them strictly, so nothing is pruned there.)
            const plain =
              stored.spec &&
              Object.getPrototypeOf(stored.spec) === Object.prototype;
            if (plain && !covers(stored.spec, resource.spec)) {
              rejections.push(`${what}: stored spec lost rendered fields`);
            }
          } catch (error) {
            rejections.push(`${what}: ${why(error)}`);
          }
        }
        expect(rejections).toEqual([]);
      },
    );
  },
);
