import {
  cdcTopicPrefix,
  engineCdc,
  type CdcAccess,
  type CdcMeasures,
  type CdcPipeline,
  type ClaimCdcReport,
} from '@internal/backstage-plugin-dbaas-common';
import {
  describeError,
  type ObjectApi,
} from '@internal/backstage-plugin-dbaas-node';
import type { Logger } from '../logger';
import type { ClaimObject, RenderContext } from '../render/types';
import type { CdcConfig } from '../configFromEnv';
import { CdcLagProbe } from './CdcLagProbe';
import { CdcTopics, cdcKafka, tenantGrant, type EndOffsets } from './CdcTopics';
import {
  claimTenant,
  connectorConfig,
  connectorName,
  connectorPrefix,
  pgCdcName,
  pipelineDeadLetterTopic,
  pipelineTopics,
  cnpgEndpoint,
  secretReferenceFrom,
  type CdcSettings,
} from './connectorConfig';
import {
  KafkaConnect,
  KafkaConnectError,
  type ConnectorStatus,
} from './KafkaConnect';
import { PostgresCdcSources } from './PostgresCdcSources';

/** What the operator runs a PoP's CDC pipelines with. */
export type CdcDeps = {
  connect: KafkaConnect;
  topics: CdcTopics;
  lag: CdcLagProbe;
  settings: CdcSettings;
  sources: PostgresCdcSources;
  /** Where tenants read the topics, when the PoP says (reported as `access`). */
  tenantAccess?: CdcConfig['tenantAccess'];
};

/**
 * The CDC parts for `config` in the PoP `pop`, reaching databases where
 * `endpoint` says.
 */
export function cdcDeps(
  config: CdcConfig,
  objects: ObjectApi,
  options: {
    pop: string;
    logger: Logger;
    endpoint?: CdcSettings['endpoint'];
  },
): CdcDeps {
  const settings: CdcSettings = {
    secretReference: secretReferenceFrom(config.secretReference),
    endpoint: options.endpoint ?? cnpgEndpoint,
  };
  const kafka = cdcKafka(config.brokers);
  return {
    connect: new KafkaConnect(config.connectUrl),
    topics: new CdcTopics(kafka),
    // One group per PoP: two PoPs sharing a Kafka would otherwise split
    // the topics' partitions between their probes.
    lag: new CdcLagProbe(
      kafka,
      `serviceclaim-operator.cdc-lag.${options.pop}`,
      options.logger,
    ),
    settings,
    sources: new PostgresCdcSources(objects, settings),
    tenantAccess: config.tenantAccess,
  };
}

/** Disconnects the CDC parts' Kafka clients. */
export async function closeCdcDeps(cdc: CdcDeps): Promise<void> {
  await Promise.all([cdc.topics.close(), cdc.lag.close()]);
}

/** How often a claim with pipelines is looked at again: Connect sends no events. */
export const CDC_POLL_MS = 30_000;
/** ... and while one of them is on its way to running. */
export const CDC_STARTING_POLL_MS = 5_000;

/**
 * What a Java stack trace says, without its frames: the exception's message
 * and those of its causes, which is where Debezium puts the SQL error.
 */
export function traceMessage(trace: string): string {
  const said: string[] = [];
  for (const line of trace.split('\n')) {
    if (/^\s+(at |\.\.\. \d+ more)/.test(line) || !line.trim()) continue;
    said.push(line.trim().replace(/^Caused by: /, ''));
  }
  return [...new Set(said)].join(' — ');
}

/** The state a connector's status reads as, and the reason of a failure. */
export function pipelineState(
  status: ConnectorStatus | undefined,
): Pick<ClaimCdcReport, 'state' | 'message'> {
  if (!status) return { state: 'pending' };
  const failed = [status.connector, ...status.tasks].find(
    part => part.state === 'FAILED',
  );
  if (failed) {
    const reason = traceMessage(failed.trace ?? '');
    return {
      state: 'failed',
      message: (reason || 'Kafka Connect reports the connector failed').slice(
        0,
        1024,
      ),
    };
  }
  if (['PAUSED', 'STOPPED'].includes(status.connector.state)) {
    return { state: 'paused' };
  }
  if (
    status.connector.state === 'RUNNING' &&
    status.tasks.length > 0 &&
    status.tasks.every(task => task.state === 'RUNNING')
  ) {
    return { state: 'running' };
  }
  return { state: 'pending' };
}

const sameConfig = (
  a: Record<string, string> | undefined,
  b: Record<string, string>,
) =>
  !!a &&
  Object.keys(b).every(key => a[key] === b[key]) &&
  Object.keys(a).every(key => key === 'name' || key in b);

/**
 * Makes the claim's CDC pipelines real on the PoP's Kafka Connect, in the
 * claim's primary region (where its writable database is): each pipeline's
 * topics, its connector with the config of connectorConfig, paused, resumed
 * or restarted as the pipeline says; connectors of pipelines no longer in the
 * spec deleted, and (PostgreSQL) their slots and publications dropped. Returns
 * the pipelines' reports for `status.cdc`, or undefined outside the primary
 * region. Kafka Connect or Kafka out of reach fails no pipeline: each keeps
 * the state reported `before`, saying why it is not current.
 */
export async function reconcileCdc(
  cdc: CdcDeps,
  context: RenderContext,
  claim: ClaimObject,
  before: ClaimCdcReport[] | undefined,
  logger: Logger,
): Promise<ClaimCdcReport[] | undefined> {
  if (context.pop !== claim.spec.region) return undefined;
  const pipelines = claim.spec.cdc?.pipelines ?? [];
  if (!pipelines.length && !before?.length) return undefined;
  const tenant = claimTenant(claim);
  const reports: ClaimCdcReport[] = [];
  for (const pipeline of pipelines) {
    reports.push(
      await runPipeline(cdc, claim, tenant, pipeline, before, logger),
    );
  }
  // Pipelines removed from the spec: their connectors, then what they left
  // in the database. Until that is done their reports stay, so that the
  // next reconcile tries again.
  const gone = (before ?? []).filter(
    report => !pipelines.some(p => p.name === report.name),
  );
  const wanted = new Set(pipelines.map(p => connectorName(claim, p.name)));
  try {
    const prefix = connectorPrefix(claim);
    let deleted = false;
    for (const name of await cdc.connect.list()) {
      if (name.startsWith(prefix) && !wanted.has(name)) {
        await cdc.connect.delete(name);
        deleted = true;
        logger.info('deleted the connector of a removed CDC pipeline', {
          connector: name,
        });
      }
    }
    if ((gone.length || deleted) && engineCdc[claim.spec.engine].available) {
      // Connect stops a deleted connector's tasks after the DELETE answers,
      // and a task still starting makes its publication (autocreate): drop
      // what they used only once Connect has no status for them left.
      for (const report of gone) {
        const name = connectorName(claim, report.name);
        if ((await cdc.connect.status(name)) !== undefined) {
          throw new Error(`its connector ${name} is still stopping`);
        }
      }
      const dropped = await cdc.sources.dropAllBut(
        claim,
        pipelines.map(p => pgCdcName(p.name)),
      );
      if (dropped.length) {
        logger.info('dropped what removed CDC pipelines left', { dropped });
      }
    }
  } catch (error) {
    logger.warn('could not remove a CDC pipeline yet', {
      error: describeError(error),
    });
    reports.push(
      ...gone.map(report => ({
        ...report,
        message: `Being removed: ${describeError(error)}`.slice(0, 1024),
      })),
    );
  }
  return reports;
}

async function runPipeline(
  cdc: CdcDeps,
  claim: ClaimObject,
  tenant: string | undefined,
  pipeline: CdcPipeline,
  before: ClaimCdcReport[] | undefined,
  logger: Logger,
): Promise<ClaimCdcReport> {
  const name = connectorName(claim, pipeline.name);
  const previous = before?.find(report => report.name === pipeline.name);
  const base = {
    name: pipeline.name,
    connector: name,
    topics: tenant ? pipelineTopics(claim, tenant, pipeline) : [],
    deadLetterTopic: tenant
      ? pipelineDeadLetterTopic(claim, tenant, pipeline)
      : name,
    ...(previous?.restart ? { restart: previous.restart } : {}),
    ...(tenant && cdc.tenantAccess
      ? { access: accessOf(cdc.tenantAccess, tenant) }
      : {}),
  };
  const capability = engineCdc[claim.spec.engine];
  if (!capability.available) {
    return { ...base, state: 'failed', message: capability.reason };
  }
  if (!tenant) {
    return {
      ...base,
      state: 'failed',
      message: `The claim is not in a tenant namespace (tenant-<slug>), so its topics have no tenant: ${claim.metadata.namespace}`,
    };
  }
  const config = connectorConfig(claim, tenant, pipeline, cdc.settings)!;
  try {
    await cdc.topics.ensure(
      [...base.topics, base.deadLetterTopic],
      tenantGrant(tenant, cdcTopicPrefix(claim.spec.engine, tenant)),
    );
    if (!sameConfig(await cdc.connect.config(name), config)) {
      try {
        await cdc.connect.put(name, config);
      } catch (error) {
        // Refused by the connector's own validation (a table, a login):
        // the pipeline's failure, in Connect's words.
        if (error instanceof KafkaConnectError && error.status === 400) {
          return {
            ...base,
            state: 'failed',
            message: error.message.slice(0, 1024),
          };
        }
        throw error;
      }
      logger.info('registered the connector of a CDC pipeline', {
        connector: name,
      });
    }
    let status = await cdc.connect.status(name);
    const paused = status?.connector.state === 'PAUSED';
    if (pipeline.paused && !paused) await cdc.connect.pause(name);
    if (!pipeline.paused && paused) await cdc.connect.resume(name);
    let restart = previous?.restart;
    if (pipeline.restart && pipeline.restart !== previous?.restart) {
      await cdc.connect.restart(name);
      restart = pipeline.restart;
      logger.info('restarted the connector of a CDC pipeline', {
        connector: name,
      });
    }
    status = await cdc.connect.status(name);
    const state = pipelineState(status);
    // Asked to pause, Connect says so a moment later.
    if (pipeline.paused && state.state === 'running') state.state = 'pending';
    const measured = await measureFlow(cdc, base, tenant, previous, logger);
    return {
      ...base,
      ...(restart ? { restart } : {}),
      ...state,
      ...(measured ? { measured } : {}),
    };
  } catch (error) {
    logger.warn('could not run a CDC pipeline', {
      connector: name,
      error: describeError(error),
    });
    return {
      ...base,
      state: previous?.state ?? 'pending',
      message: `Not current: ${describeError(error)}`.slice(0, 1024),
    };
  }
}

/** How `tenant`'s applications read its topics through `listener`. */
function accessOf(
  listener: NonNullable<CdcConfig['tenantAccess']>,
  tenant: string,
): CdcAccess {
  const grant = tenantGrant(tenant, '');
  return {
    ...listener,
    principal: grant.principal,
    groupPrefix: grant.groupPrefix,
  };
}

const sum = (offsets: EndOffsets | undefined) =>
  [...(offsets?.values() ?? [])].reduce((a, b) => a + b, 0);

/**
 * The pipeline's flow as its PoP's Kafka tells it now (cdcMeasuresSchema):
 * its topics' messages and their rate since the measure `before`, its dead
 * letters, its tenant's consumer groups' lag and the lag the probe last saw.
 * When nothing moved since `before`, `before` itself with its rates at zero,
 * so that a quiet pipeline does not rewrite its claim's status on every
 * poll. Kafka out of reach keeps `before`.
 */
async function measureFlow(
  cdc: CdcDeps,
  report: Pick<ClaimCdcReport, 'topics' | 'deadLetterTopic'>,
  tenant: string,
  previous: ClaimCdcReport | undefined,
  logger: Logger,
): Promise<CdcMeasures | undefined> {
  const before = previous?.measured;
  try {
    // Not awaited: joining takes a moment, and the next measure has it.
    void cdc.lag.watch(report.topics);
    const ends = await cdc.topics.endOffsets([
      ...report.topics,
      report.deadLetterTopic,
    ]);
    const topicEnds = new Map(report.topics.map(t => [t, ends.get(t)!]));
    const consumerGroups = mostBehind(
      await cdc.topics.groupLags(
        tenantGrant(tenant, '').groupPrefix,
        topicEnds,
      ),
    );
    const at = new Date();
    const seconds = before ? (at.getTime() - Date.parse(before.at)) / 1000 : 0;
    const topics = report.topics.map(topic => {
      const messages = sum(ends.get(topic));
      const was = before?.topics.find(t => t.topic === topic)?.messages;
      return {
        topic,
        messages,
        ...(was !== undefined && seconds >= 1 && messages >= was
          ? { perSecond: Math.round(((messages - was) / seconds) * 100) / 100 }
          : {}),
      };
    });
    const latest = cdc.lag.latest(report.topics);
    const measured: CdcMeasures = {
      at: at.toISOString(),
      ...(latest
        ? {
            lagMs: latest.lagMs,
            lastChangeAt: new Date(latest.committedAt).toISOString(),
          }
        : {}),
      topics,
      deadLetters: sum(ends.get(report.deadLetterTopic)),
      consumerGroups,
    };
    if (before && sameFlow(before, measured)) {
      return {
        ...before,
        topics: before.topics.map(({ perSecond: _, ...t }) => ({
          ...t,
          perSecond: 0,
        })),
      };
    }
    return measured;
  } catch (error) {
    logger.warn('could not measure a CDC pipeline', {
      error: describeError(error),
    });
    return before;
  }
}

/** How many consumer groups a measure names: the claim's status has room for so many. */
export const CDC_GROUPS_REPORTED = 50;

/**
 * The consumer groups the status has room for (cdcMeasuresSchema), those
 * furthest behind first chosen, in name order; a group whose name is longer
 * than the status takes is left out rather than failing the status write.
 */
export function mostBehind(
  groups: { group: string; lag: number }[],
): { group: string; lag: number }[] {
  return groups
    .filter(g => g.group.length <= 255)
    .sort((a, b) => b.lag - a.lag || a.group.localeCompare(b.group))
    .slice(0, CDC_GROUPS_REPORTED)
    .sort((a, b) => a.group.localeCompare(b.group));
}

/**
 * Whether nothing moved between two measures (their times and rates aside).
 * Field by field: a measure read back from the apiserver has its keys in
 * another order than one made here.
 */
function sameFlow(a: CdcMeasures, b: CdcMeasures): boolean {
  const flow = (m: CdcMeasures) =>
    JSON.stringify([
      m.lagMs,
      m.lastChangeAt,
      m.deadLetters,
      m.topics.map(t => [t.topic, t.messages]),
      m.consumerGroups.map(g => [g.group, g.lag]),
    ]);
  return flow(a) === flow(b);
}

/**
 * The reports of a claim's pipelines where the operator has no Kafka Connect
 * to run them on (the chart's `cdc.kafkaConnectUrl` unset in its primary
 * PoP): each failed, saying so, rather than pending forever.
 */
export function cdcNotConfigured(
  context: RenderContext,
  claim: ClaimObject,
): ClaimCdcReport[] | undefined {
  const pipelines = claim.spec.cdc?.pipelines ?? [];
  if (context.pop !== claim.spec.region || !pipelines.length) return undefined;
  const tenant = claimTenant(claim);
  return pipelines.map(pipeline => ({
    name: pipeline.name,
    connector: connectorName(claim, pipeline.name),
    topics: tenant ? pipelineTopics(claim, tenant, pipeline) : [],
    deadLetterTopic: tenant
      ? pipelineDeadLetterTopic(claim, tenant, pipeline)
      : connectorName(claim, pipeline.name),
    state: 'failed' as const,
    message: `The ServiceClaim operator in ${context.pop} has no Kafka Connect to run CDC pipelines on (its chart's cdc.kafkaConnectUrl is unset)`,
  }));
}

/**
 * Deletes every connector of a claim being deleted (its database goes, and
 * with it what the pipelines left in it); their topics age out.
 */
export async function deleteClaimConnectors(
  cdc: CdcDeps,
  claim: { metadata: { name: string; namespace: string } },
): Promise<string[]> {
  const prefix = connectorPrefix(claim);
  const names = (await cdc.connect.list()).filter(n => n.startsWith(prefix));
  for (const name of names) await cdc.connect.delete(name);
  return names;
}
