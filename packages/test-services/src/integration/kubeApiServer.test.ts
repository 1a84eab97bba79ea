import {
  CoreV1Api,
  CustomObjectsApi,
  Watch,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { specFromSku } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { describeWithServices } from '../describeWithServices';
import { loadCrds } from '../kube/crdFiles';
import { installCrds } from '../kube/installCrds';
import {
  exampleFromSchema,
  wrongTypeUnderSpec,
} from '../kube/exampleFromSchema';
import { kubeConfigFrom } from '../kube/kubeConfig';

jest.setTimeout(180_000);

// Fields that CEL rules ask for beyond the schema's required ones, merged over the
// generated example (exampleFromSchema does not solve CEL).
const specAdditions: Record<string, Record<string, unknown>> = {
  BackupSchedule: { cronExpression: '0 */6 * * *' },
  YBUniverse: { numNodes: 3, replicationFactor: 3 },
  // The project's own CRD: a real claim, as the portal writes it.
  ServiceClaim: specFromSku(skuCatalog, 'yb-dedicated', 'lagos'),
};

/** The storage version, as the YAML has it (schema keywords under their own names). */
function servedVersion(raw: any): { name: string; schema: any } {
  const version =
    raw.spec.versions.find((v: any) => v.storage) ?? raw.spec.versions[0];
  return { name: version.name, schema: version.schema?.openAPIV3Schema ?? {} };
}

function exampleFor(raw: any, namespace: string) {
  const crd = raw as V1CustomResourceDefinition;
  const { name: versionName, schema } = servedVersion(raw);
  const body = exampleFromSchema(schema) as Record<string, any>;
  const spec = schema.properties?.spec
    ? {
        ...(exampleFromSchema(schema.properties.spec) as object),
        ...specAdditions[crd.spec.names.kind],
      }
    : undefined;
  return {
    ...body,
    apiVersion: `${crd.spec.group}/${versionName}`,
    kind: crd.spec.names.kind,
    metadata: {
      name: 'example',
      ...(crd.spec.scope === 'Namespaced' ? { namespace } : {}),
    },
    ...(spec !== undefined ? { spec } : {}),
  };
}

function withValueAt(object: any, path: string[], value: unknown) {
  const copy = structuredClone(object);
  let cursor = copy;
  for (const key of path.slice(0, -1)) {
    cursor[key] = cursor[key] ?? {};
    cursor = cursor[key];
  }
  cursor[path[path.length - 1]] = value;
  return copy;
}

describeWithServices(['kube'], 'kube-apiserver', env => {
  const kc = kubeConfigFrom(env);
  const core = kc.makeApiClient(CoreV1Api);
  const objects = kc.makeApiClient(CustomObjectsApi);
  const namespace = `crd-proof-${Date.now()}`;
  const crds = loadCrds();

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await installCrds(kc, crds);
  });

  afterAll(async () => {
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  });

  it("installs every upstream CRD from shared/crds and the project's own", () => {
    expect(crds.length).toBeGreaterThanOrEqual(31);
    expect(crds.map(c => c.crd.metadata?.name)).toContain(
      'serviceclaims.dbaas.io',
    );
  });

  describe.each(crds.map(({ file, raw }) => [file, raw] as const))(
    '%s',
    (_file, raw) => {
      const crd = raw as V1CustomResourceDefinition;
      const version = servedVersion(raw).name;
      const plural = crd.spec.names.plural;
      const group = crd.spec.group;
      const create = (body: object) =>
        crd.spec.scope === 'Namespaced'
          ? objects.createNamespacedCustomObject({
              group,
              version,
              namespace,
              plural,
              body,
            })
          : objects.createClusterCustomObject({ group, version, plural, body });

      it('accepts a valid example and rejects an invalid one', async () => {
        const valid = exampleFor(raw, namespace);
        const created = await create(valid);
        expect(created.metadata.name).toBe('example');

        const wrong = wrongTypeUnderSpec(
          servedVersion(raw).schema.properties?.spec ?? {},
        );
        expect(wrong).toBeDefined();
        const invalid = withValueAt(
          { ...valid, metadata: { ...valid.metadata, name: 'invalid' } },
          wrong!.path,
          wrong!.value,
        );
        const rejection = await create(invalid).then(
          () => undefined,
          (error: any) => error,
        );
        expect(rejection?.code).toBe(422);
        expect(String(rejection?.body)).toContain(wrong!.path.join('.'));
      });
    },
  );

  it('streams ADDED, MODIFIED and DELETED to a watch on a custom resource', async () => {
    const group = 'dragonflydb.io';
    const version = 'v1alpha1';
    const plural = 'dragonflies';
    const events: string[] = [];
    const watch = new Watch(kc);
    const request = await watch.watch(
      `/apis/${group}/${version}/namespaces/${namespace}/${plural}`,
      {},
      (type, object) => {
        if (object?.metadata?.name === 'watched') events.push(type);
      },
      () => undefined,
    );
    try {
      const body = {
        apiVersion: `${group}/${version}`,
        kind: 'Dragonfly',
        metadata: { name: 'watched', namespace },
        spec: { replicas: 1 },
      };
      await objects.createNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        body,
      });
      await objects.patchNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        name: 'watched',
        body: [{ op: 'replace', path: '/spec/replicas', value: 2 }],
      });
      await objects.deleteNamespacedCustomObject({
        group,
        version,
        namespace,
        plural,
        name: 'watched',
      });
      for (let i = 0; i < 100 && events.length < 3; i++) {
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      expect(events).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    } finally {
      request.abort();
    }
  });
});
