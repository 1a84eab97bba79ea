import { ApiextensionsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { loadCrds, type CrdFile } from './crdFiles';

/**
 * Creates the CRDs (by default: shared/crds and the project's own) and waits until
 * the apiserver serves each. CRDs already there are left as they are, so suites can
 * share one apiserver.
 */
export async function installCrds(
  kc: KubeConfig,
  crds: CrdFile[] = loadCrds(),
): Promise<CrdFile[]> {
  const extensions = kc.makeApiClient(ApiextensionsV1Api);
  for (const { crd } of crds) {
    try {
      await extensions.createCustomResourceDefinition({ body: crd });
    } catch (error: any) {
      if (error.code !== 409) throw error;
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
