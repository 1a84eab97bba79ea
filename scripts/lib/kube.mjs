// The two kubectl verbs the service scripts need, on @kubernetes/client-node: kubectl
// itself is not installed here (it would be one more Go build of minutes), and the
// scripts only apply a few manifests and ask for service account tokens.
//
//   node scripts/lib/kube.mjs apply KUBECONFIG NAMESPACE < manifests.yaml
//       server-side apply of every document (forced, field manager dbaas-services);
//       NAMESPACE fills in namespaced objects and ServiceAccount subjects that name none,
//       as `kubectl apply -n` and kustomize's namespace do
//   node scripts/lib/kube.mjs token KUBECONFIG NAMESPACE SERVICEACCOUNT [SECONDS]
//       prints a token the apiserver signs for the service account (TokenRequest)
import fs from 'node:fs';
import {
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  loadYaml,
} from '@kubernetes/client-node';
import yaml from 'js-yaml';

const [verb, kubeconfig, namespace, ...rest] = process.argv.slice(2);
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);

async function apply() {
  const client = KubernetesObjectApi.makeApiClient(kc);
  // Each document read into client-node's model (loadYaml), which patch() serializes
  // back: a plain object would lose every field the model spells differently (a CRD's
  // x-kubernetes-*). Split first: loadAllYaml fails on the empty documents kustomize
  // and hand-written files leave.
  const docs = yaml
    .loadAll(fs.readFileSync(0, 'utf8'))
    .filter(doc => doc && typeof doc === 'object' && doc.kind)
    .map(doc => loadYaml(yaml.dump(doc)));
  // CRDs and namespaces first: what follows may be of their kinds or in them.
  const rank = doc =>
    doc.kind === 'CustomResourceDefinition' || doc.kind === 'Namespace' ? 0 : 1;
  docs.sort((a, b) => rank(a) - rank(b));
  for (const doc of docs) {
    for (const subject of doc.subjects ?? []) {
      if (subject.kind === 'ServiceAccount' && !subject.namespace) {
        subject.namespace = namespace;
      }
    }
    const { namespaced } = await client
      .resource(doc.apiVersion, doc.kind)
      .catch(() => ({ namespaced: true }));
    if (namespaced && !doc.metadata.namespace)
      doc.metadata.namespace = namespace;
    await client.patch(
      doc,
      undefined,
      undefined,
      'dbaas-services',
      true,
      PatchStrategy.ServerSideApply,
    );
  }
}

async function token() {
  const [serviceAccount, seconds] = rest;
  const core = kc.makeApiClient(CoreV1Api);
  const response = await core.createNamespacedServiceAccountToken({
    name: serviceAccount,
    namespace,
    body: { spec: { expirationSeconds: Number(seconds ?? 86400) } },
  });
  process.stdout.write(response.status.token);
}

const verbs = { apply, token };
if (!verbs[verb]) {
  process.stderr.write(
    'usage: kube.mjs apply|token KUBECONFIG NAMESPACE ...\n',
  );
  process.exit(2);
}
verbs[verb]().catch(error => {
  process.stderr.write(
    `kube.mjs ${verb}: ${error.body?.message ?? error.message ?? error}\n`,
  );
  process.exit(1);
});
