// What scripts/services/cnpg.sh installs into CloudNativePG's own kube-apiserver before
// starting the operator and its Barman Cloud plugin, printed as YAML for kube.mjs apply.
// Everything comes from the two releases' own files in the Go module cache; only what
// points at a pod is changed to point at the processes on loopback:
//
// - every CRD of both modules (config/crd/bases), which CloudNativePG watches at start;
// - the webhook configurations of config/webhook/manifests.yaml, named as CloudNativePG
//   names them (cnpg-*), calling https://127.0.0.1:PORT/<path> with our CA;
// - a Deployment labelled app.kubernetes.io/name=cloudnative-pg in the operator's
//   namespace: CloudNativePG looks itself up by that label (nothing runs it here);
// - the plugin's Service and its two TLS Secrets as the plugin's manifest.yaml has them
//   (with cert-manager there), the port annotation being the plugin's loopback port.
//
//   node manifests.mjs --cnpg-module DIR --plugin-module DIR --namespace NS
//     --plugin-service NAME --webhook-url URL --webhook-ca FILE --plugin-port PORT
//     --plugin-certs DIR
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import yaml from 'js-yaml';

const { values: args } = parseArgs({
  options: Object.fromEntries(
    [
      'cnpg-module',
      'plugin-module',
      'namespace',
      'plugin-service',
      'webhook-url',
      'webhook-ca',
      'plugin-port',
      'plugin-certs',
    ].map(name => [name, { type: 'string' }]),
  ),
});
for (const [name, value] of Object.entries(args)) {
  if (!value) throw new Error(`manifests.mjs: --${name} is required`);
}
const namespace = args.namespace;
const read = file => fs.readFileSync(file, 'utf8');
const base64 = file => Buffer.from(read(file)).toString('base64');
const crdsOf = module => {
  const dir = path.join(module, 'config/crd/bases');
  return fs
    .readdirSync(dir)
    .filter(file => file.endsWith('.yaml'))
    .map(file => yaml.load(read(path.join(dir, file))));
};

const webhookConfigurations = yaml
  .loadAll(
    read(path.join(args['cnpg-module'], 'config/webhook/manifests.yaml')),
  )
  .filter(Boolean)
  .map(doc => ({
    ...doc,
    // CloudNativePG's defaults for the names (internal/configuration).
    metadata: { name: `cnpg-${doc.metadata.name}` },
    webhooks: doc.webhooks.map(webhook => ({
      ...webhook,
      clientConfig: {
        url: `${args['webhook-url']}${webhook.clientConfig.service.path}`,
        caBundle: base64(args['webhook-ca']),
      },
    })),
  }));

const certs = args['plugin-certs'];
const tlsSecret = (name, cert, key) => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'kubernetes.io/tls',
  metadata: { name, namespace },
  data: {
    'tls.crt': base64(path.join(certs, cert)),
    'tls.key': base64(path.join(certs, key)),
  },
});
const service = args['plugin-service'];

const documents = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
  ...crdsOf(args['cnpg-module']),
  ...crdsOf(args['plugin-module']),
  ...webhookConfigurations,
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'cnpg-controller-manager',
      namespace,
      labels: { 'app.kubernetes.io/name': 'cloudnative-pg' },
    },
    spec: {
      replicas: 0,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'cloudnative-pg' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'cloudnative-pg' } },
        spec: {
          containers: [
            {
              name: 'manager',
              image: 'ghcr.io/cloudnative-pg/cloudnative-pg',
            },
          ],
        },
      },
    },
  },
  tlsSecret(`${service}-server-tls`, 'server.crt', 'server.key'),
  tlsSecret(`${service}-client-tls`, 'client.crt', 'client.key'),
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: service,
      namespace,
      labels: {
        app: service,
        'cnpg.io/pluginName': 'barman-cloud.cloudnative-pg.io',
      },
      annotations: {
        'cnpg.io/pluginClientSecret': `${service}-client-tls`,
        'cnpg.io/pluginServerSecret': `${service}-server-tls`,
        'cnpg.io/pluginPort': args['plugin-port'],
      },
    },
    spec: {
      ports: [{ port: 9090, protocol: 'TCP', targetPort: 9090 }],
      selector: { app: service },
    },
  },
];
process.stdout.write(
  documents.map(doc => yaml.dump(doc, { lineWidth: -1 })).join('---\n'),
);
