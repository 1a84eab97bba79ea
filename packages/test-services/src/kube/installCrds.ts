import {
  ApiextensionsV1Api,
  type KubeConfig,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import { loadCrds, type CrdFile } from './crdFiles';

/** Marks an installed CRD with the digest of the file it came from. */
const DIGEST = 'test-services.dbaas.io/crd-digest';

function digestOf(crd: V1CustomResourceDefinition): string {
  return createHash('sha256').update(JSON.stringify(crd)).digest('hex');
}

function withDigest(
  crd: V1CustomResourceDefinition,
): V1CustomResourceDefinition {
  return {
    ...crd,
    metadata: {
      ...crd.metadata,
      annotations: { ...crd.metadata?.annotations, [DIGEST]: digestOf(crd) },
    },
  };
}

/**
 * Creates the CRDs (by default: shared/crds and the project's own) and waits until
 * the apiserver serves each. A CRD already there is replaced by the file's, so that
 * suites sharing one long-running apiserver test against the schema the chart ships
 * now, not the one some earlier run installed (an older schema prunes new fields).
 */
export async function installCrds(
  kc: KubeConfig,
  crds: CrdFile[] = loadCrds(),
): Promise<CrdFile[]> {
  const extensions = kc.makeApiClient(ApiextensionsV1Api);
  for (const { crd } of crds) {
    const body = withDigest(crd);
    try {
      await extensions.createCustomResourceDefinition({ body });
    } catch (error: any) {
      if (error.code !== 409) throw error;
      await replaceCrd(extensions, body);
    }
  }
  for (const { crd } of crds) {
    const name = crd.metadata!.name!;
    for (let attempt = 0; ; attempt++) {
      const read = await extensions.readCustomResourceDefinition({ name });
      const established = read.status?.conditions?.some(
        c => c.type === 'Established' && c.status === 'True',
      );
      if (established) break;
      if (attempt > 100) throw new Error(`${name} never became Established`);
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
  return crds;
}

async function replaceCrd(
  extensions: ApiextensionsV1Api,
  crd: V1CustomResourceDefinition,
): Promise<void> {
  const name = crd.metadata!.name!;
  for (let attempt = 0; ; attempt++) {
    const current = await extensions.readCustomResourceDefinition({ name });
    if (
      current.metadata?.annotations?.[DIGEST] ===
      crd.metadata?.annotations?.[DIGEST]
    ) {
      return;
    }
    try {
      await extensions.replaceCustomResourceDefinition({
        name,
        body: {
          ...crd,
          metadata: {
            ...crd.metadata,
            resourceVersion: current.metadata?.resourceVersion,
          },
        },
      });
      return;
    } catch (error: any) {
      // Another suite replaced it meanwhile: read it again and retry.
      if (error.code !== 409 || attempt > 5) throw error;
    }
  }
}
