import { backupWiring } from '../backup';
import { toGi } from '@internal/backstage-plugin-dbaas-common';
import {
  TOPOLOGY_ANNOTATION,
  notesAnnotation,
  podLabels,
  resource,
} from '../common';
import { nodeSelector, topologySpread } from '../placement';
import { claimRegions } from '../regions';
import { containerResources } from '../sizes';
import { DATABASE_USER, PASSWORD_KEY, credentialsSecret } from '../credentials';
import { engineRelease } from '../images';
import { serverCertificate } from '../tls';
import type { ClaimObject, RenderContext, RenderedResource } from '../types';
import type { EngineRenderer } from './engineRenderer';

/** The database the claim's user may read and write. */
export const MONGODB_DATABASE = 'app';
const METRICS_PORT = 9216;

/**
 * The ServiceAccount the community operator runs replica set pods as
 * (mongodb-kubernetes 1.10.0
 * mongodb-community-operator/controllers/construct/mongodbstatefulset.go). Its
 * readiness probe and upgrade hook use it to read the automation config Secret
 * and patch or delete their own pod. It is a platform prerequisite in every
 * tenant namespace (docs/engines.md): without it the StatefulSet cannot create
 * a pod. The claim does not render it, because granting those rights would
 * need the ServiceClaim operator to hold them (Kubernetes refuses to let it
 * grant what it does not have), and the chart keeps it from reading Secrets.
 */
export const MONGODB_POD_SERVICE_ACCOUNT = 'mongodb-kubernetes-appdb';

/** The community operator labels replica set pods with the name of their Service. */
function memberPods(claim: ClaimObject) {
  return { app: `${claim.metadata.name}-svc` };
}

/** A size in GiB as a quantity, in Gi when whole. */
function gi(amount: number): string {
  return Number.isInteger(amount)
    ? `${amount}Gi`
    : `${Math.ceil(amount * 1024)}Mi`;
}

/**
 * A MongoDBCommunity replica set of `mongod.replicas` members. The community
 * operator runs replica sets only (its `type` admits `ReplicaSet` alone): a
 * sharded claim (mongo-flex-sharded) gets one replica set whose members each
 * hold the storage of all its shards, and no mongos or config servers. Its
 * members live in one StatefulSet, so the replica set stays in the primary PoP
 * whatever the plan; the other regions of a claim run nothing.
 */
function render(claim: ClaimObject, ctx: RenderContext): RenderedResource[] {
  const { spec } = claim;
  const { name } = claim.metadata;
  const [primary, ...others] = claimRegions(spec);
  if (ctx.pop !== primary) return [];
  const mongod = spec.resources.mongod;
  const shards =
    spec.topology?.mode === 'sharded' ? spec.topology.shards ?? 1 : 1;
  const credentials = credentialsSecret(claim)!.name;
  const notes: string[] = [];
  if (shards > 1) {
    notes.push(
      `MongoDBCommunity runs replica sets only: the ${shards} shards are served by one replica set with ${shards} shards' storage per member; mongos and configsvr are not run.`,
    );
  }
  if (others.length) {
    notes.push(
      `MongoDBCommunity keeps a replica set in one cluster: nothing runs in ${others.join(
        ', ',
      )}.`,
    );
  }
  if (spec.backup.enabled) {
    notes.push(
      'MongoDBCommunity has no backup resource: scheduled backups are not configured.',
    );
  }
  // Every member is reached by its pod's name under the headless Service.
  const service = `${name}-svc`;
  const namespace = claim.metadata.namespace;
  const certificate = serverCertificate(claim, ctx, [
    `${service}.${namespace}.svc`,
    `*.${service}.${namespace}.svc`,
    `*.${service}.${namespace}.svc.cluster.local`,
  ]);

  const replicaSet = resource(
    claim,
    {
      apiVersion: 'mongodbcommunity.mongodb.com/v1',
      kind: 'MongoDBCommunity',
      name,
      component: 'database',
    },
    {
      spec: {
        type: 'ReplicaSet',
        members: mongod.replicas,
        version: engineRelease('mongodb', spec.version),
        featureCompatibilityVersion: spec.version,
        security: {
          authentication: { modes: ['SCRAM'] },
          ...(certificate.secretName
            ? {
                tls: {
                  enabled: true,
                  certificateKeySecretRef: { name: certificate.secretName },
                  caCertificateSecretRef: { name: certificate.secretName },
                },
              }
            : {}),
        },
        users: [
          {
            name: DATABASE_USER.mongodb,
            // Defined in the database it uses, so clients authenticate against
            // the database they name (no authSource needed).
            db: MONGODB_DATABASE,
            passwordSecretRef: { name: credentials, key: PASSWORD_KEY },
            roles: [
              { name: 'readWrite', db: MONGODB_DATABASE },
              { name: 'dbAdmin', db: MONGODB_DATABASE },
            ],
            scramCredentialsSecretName: `${name}-scram`,
            connectionStringSecretName: `${name}-connection`,
          },
        ],
        prometheus: {
          username: 'prometheus',
          passwordSecretRef: { name: credentials, key: 'metricsPassword' },
          port: METRICS_PORT,
        },
        statefulSet: {
          spec: {
            template: {
              metadata: { labels: podLabels(claim) },
              spec: {
                // The operator's own choice, spelled out so the prerequisite
                // shows on the resource.
                serviceAccountName: MONGODB_POD_SERVICE_ACCOUNT,
                containers: [
                  { name: 'mongod', resources: containerResources(mongod) },
                ],
                nodeSelector: nodeSelector(spec),
                ...topologySpread(spec, memberPods(claim), mongod.replicas),
              },
            },
            volumeClaimTemplates: [
              {
                metadata: { name: 'data-volume', labels: podLabels(claim) },
                spec: {
                  accessModes: ['ReadWriteOnce'],
                  resources: {
                    requests: { storage: gi(toGi(spec.storage.size) * shards) },
                  },
                  ...(spec.storage.class
                    ? { storageClassName: spec.storage.class }
                    : {}),
                },
              },
            ],
          },
        },
      },
    },
    {
      ...(others.length
        ? {
            [TOPOLOGY_ANNOTATION]: `Replica set in ${primary} only; ${others.join(
              ', ',
            )} run nothing for this claim.`,
          }
        : {}),
      ...backupWiring(claim, undefined, { schedules: false, supported: false }),
      ...notesAnnotation(notes),
    },
  );
  return [replicaSet, ...certificate.resources];
}

/** MongoDB on MongoDB Controllers for Kubernetes (community operator). */
export const mongodb: EngineRenderer = {
  render,
  runsHere: (claim, ctx) => ctx.pop === claim.spec.region,
  podSelector: memberPods,
  clientPorts: [27017],
  metrics: {
    selector: memberPods,
    port: METRICS_PORT,
    path: '/metrics',
    basicAuth: claim => ({
      secret: credentialsSecret(claim)!.name,
      usernameKey: 'metricsUsername',
      passwordKey: 'metricsPassword',
    }),
    connections: 'mongodb_connections_current',
    queries: 'mongodb_opcounters_(insert|query|update|delete|getmore|command)',
  },
};
