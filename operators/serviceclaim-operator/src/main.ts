import { describeError } from '@internal/backstage-plugin-dbaas-node';
import { configFromEnv, type OperatorConfig } from './configFromEnv';
import { createLogger } from './logger';
import {
  renderBackupRequest,
  renderClaim,
  renderFinalBackup,
} from './render/renderClaim';
import { runOperator } from './runOperator';
import { claimBackups } from './status/claimBackups';
import { claimStatusFrom, relatedSources } from './status/claimStatus';

/**
 * The operator's entry point: configuration from the environment, the real
 * render and status modules, and a graceful exit on SIGTERM (stop taking work,
 * drain what is in flight within DRAIN_SECONDS, release the Lease, exit 0).
 */
async function main(): Promise<void> {
  let config: OperatorConfig;
  try {
    config = configFromEnv();
  } catch (error) {
    createLogger().error('bad configuration', { error: describeError(error) });
    process.exit(1);
  }
  const logger = createLogger({
    level: config.logLevel,
    fields: { pod: config.identity },
  });
  const operator = await runOperator(config, {
    logger,
    render: renderClaim,
    renderFinalBackup,
    statusFrom: claimStatusFrom,
    related: relatedSources,
    backups: claimBackups,
    renderBackupRequest,
  });
  logger.info('started', {
    pop: config.context.pop,
    lease: config.leaseName
      ? `${config.namespace}/${config.leaseName}`
      : undefined,
    metricsPort: operator.server.port,
  });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    operator.stop().then(
      () => {
        logger.info('stopped');
        // Keep-alive sockets of the Kubernetes client would hold the loop open.
        process.exit(0);
      },
      error => {
        logger.error('shutdown failed', { error: describeError(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** Starts the operator; a failure to start is logged and ends the process with 1. */
export function start(): void {
  main().catch(error => {
    createLogger().error('operator failed to start', {
      error: describeError(error),
    });
    process.exit(1);
  });
}
