import os from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import { cidrSchema } from '@internal/backstage-plugin-dbaas-common';
import type { LogLevel } from './logger';
import type { RenderContext } from './render/types';

/** The operator's settings; {@link configFromEnv} reads them from the environment. */
export type OperatorConfig = {
  kubeConfig: KubeConfig;
  /** Namespace of the leader-election Lease (the pod's). */
  namespace: string;
  /** This replica's name in the Lease (the pod's). */
  identity: string;
  /** Name of the Lease; empty runs without leader election (one replica only). */
  leaseName: string;
  context: RenderContext;
  metricsPort: number;
  /**
   * Only claims matching this label selector are reconciled (empty: all), to
   * shard claims over operators or try a new version on a few.
   */
  claimSelector: string;
  /** Claims reconciled at once. */
  concurrency: number;
  /** Every claim is reconciled at least this often, events or not. */
  resyncSeconds: number;
  /** On shutdown, how long reconciles in flight may take to finish. */
  drainSeconds: number;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
  logLevel: LogLevel;
  /** The PoP's Kafka Connect and Kafka, for CDC pipelines; without them none run. */
  cdc?: CdcConfig;
};

/** Where a PoP's CDC pipelines run. */
export type CdcConfig = {
  /** Kafka Connect's REST URL. */
  connectUrl: string;
  /** Kafka's bootstrap brokers. */
  brokers: string[];
  /**
   * How a connector names a Secret's key for the worker's config provider:
   * `{namespace}`, `{name}` and `{key}` are replaced.
   */
  secretReference: string;
  /**
   * Where the tenants' applications reach the PoP's Kafka, comma-separated,
   * and with which SASL mechanism: told to them on the CDC tab.
   */
  tenantAccess?: { bootstrap: string; mechanism: string };
};

/** Strimzi's KubernetesSecretConfigProvider, registered as `secrets`. */
export const STRIMZI_SECRET_REFERENCE = '${secrets:{namespace}/{name}:{key}}';

/** The CDC settings from the environment, or undefined without Kafka Connect. */
export function cdcConfigFrom(env: NodeJS.ProcessEnv): CdcConfig | undefined {
  const connectUrl = env.DBAAS_KAFKA_CONNECT_URL?.trim();
  const brokers = (env.DBAAS_KAFKA_BROKERS ?? '')
    .split(',')
    .map(b => b.trim())
    .filter(Boolean);
  if (!connectUrl && !brokers.length) return undefined;
  if (!connectUrl || !brokers.length) {
    throw new Error(
      'DBAAS_KAFKA_CONNECT_URL and DBAAS_KAFKA_BROKERS go together: CDC pipelines need both',
    );
  }
  const secretReference =
    env.DBAAS_CDC_SECRET_REFERENCE?.trim() || STRIMZI_SECRET_REFERENCE;
  if (
    !['{namespace}', '{name}', '{key}'].every(p => secretReference.includes(p))
  ) {
    throw new Error(
      `DBAAS_CDC_SECRET_REFERENCE must contain {namespace}, {name} and {key}, not "${secretReference}"`,
    );
  }
  const bootstrap = env.DBAAS_KAFKA_TENANT_BOOTSTRAP?.trim();
  return {
    connectUrl,
    brokers,
    secretReference,
    ...(bootstrap
      ? {
          tenantAccess: {
            bootstrap,
            mechanism:
              env.DBAAS_KAFKA_TENANT_SASL_MECHANISM?.trim() || 'SCRAM-SHA-512',
          },
        }
      : {}),
  };
}

function intFrom(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`${name} must be a whole number, not "${raw}"`);
  }
  return value;
}

/**
 * `DBAAS_POP_POD_CIDRS`: `lagos=10.1.0.0/16,10.9.0.0/16;frankfurt=10.2.0.0/16`,
 * the pod CIDRs of each PoP (the chart writes it from its popPodCidrs map).
 */
export function popPodCidrsFrom(raw: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const entry of raw
    .split(';')
    .map(e => e.trim())
    .filter(Boolean)) {
    const [pop, cidrs = ''] = entry.split('=').map(part => part.trim());
    const list = cidrs
      .split(',')
      .map(c => c.trim())
      .filter(Boolean);
    const bad = list.filter(cidr => !cidrSchema.safeParse(cidr).success);
    if (!/^[a-z0-9-]+$/.test(pop) || !list.length || bad.length) {
      throw new Error(
        `DBAAS_POP_POD_CIDRS must read pop=cidr[,cidr][;pop=cidr...], not "${entry}"`,
      );
    }
    result[pop] = list;
  }
  return result;
}

/**
 * The configuration from environment variables (README.md lists them).
 * Throws naming the variable when one is missing or malformed.
 */
export function configFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): OperatorConfig {
  const pop = env.DBAAS_POP?.trim();
  if (!pop)
    throw new Error('DBAAS_POP must name the PoP (region) this cluster serves');
  const kubeConfig = new KubeConfig();
  if (env.KUBECONFIG) kubeConfig.loadFromFile(env.KUBECONFIG);
  else kubeConfig.loadFromCluster();
  const level = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!['debug', 'info', 'warn', 'error'].includes(level)) {
    throw new Error(
      `LOG_LEVEL must be debug, info, warn or error, not "${level}"`,
    );
  }
  return {
    kubeConfig,
    namespace: env.POD_NAMESPACE || 'default',
    identity: env.POD_NAME || os.hostname(),
    leaseName: env.LEASE_NAME ?? 'serviceclaim-operator',
    context: {
      pop,
      platformNamespaces: (env.DBAAS_PLATFORM_NAMESPACES ?? '')
        .split(',')
        .map(ns => ns.trim())
        .filter(Boolean),
      ...(env.DBAAS_BACKUP_DESTINATION
        ? { backupDestinationDefault: env.DBAAS_BACKUP_DESTINATION }
        : {}),
      ...(env.DBAAS_STORAGE_CLASS
        ? { storageClass: env.DBAAS_STORAGE_CLASS }
        : {}),
      ...(env.DBAAS_SCYLLA_STORAGE_CLASS
        ? { scyllaStorageClass: env.DBAAS_SCYLLA_STORAGE_CLASS }
        : {}),
      ...(env.DBAAS_TLS_ISSUER ? { tlsIssuer: env.DBAAS_TLS_ISSUER } : {}),
      ...(env.DBAAS_POP_POD_CIDRS
        ? { popPodCidrs: popPodCidrsFrom(env.DBAAS_POP_POD_CIDRS) }
        : {}),
    },
    claimSelector: env.CLAIM_LABEL_SELECTOR ?? '',
    metricsPort: intFrom(env, 'METRICS_PORT', 8080),
    concurrency: Math.max(1, intFrom(env, 'WORKERS', 4)),
    resyncSeconds: Math.max(1, intFrom(env, 'RESYNC_SECONDS', 600)),
    drainSeconds: intFrom(env, 'DRAIN_SECONDS', 30),
    leaseDurationSeconds: intFrom(env, 'LEASE_DURATION_SECONDS', 15),
    renewDeadlineSeconds: intFrom(env, 'RENEW_DEADLINE_SECONDS', 10),
    retryPeriodSeconds: intFrom(env, 'RETRY_PERIOD_SECONDS', 2),
    logLevel: level,
    cdc: cdcConfigFrom(env),
  };
}
