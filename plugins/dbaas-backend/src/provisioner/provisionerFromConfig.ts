import type {
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { serviceCatalog } from '@internal/backstage-plugin-dbaas-common';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TimelineStore } from '../database/TimelineStore';
import { GitOpsRepository } from '../gitops/GitOpsRepository';
import { GitOpsProvisioner } from './GitOpsProvisioner';
import {
  RecordOnlyProvisioner,
  type ServiceProvisioner,
} from './ServiceProvisioner';

/**
 * The GitOps provisioner on the configured repository (`dbaas.gitops.remote`, or
 * the local one of the embedded defaults), else the record-only one.
 */
export async function provisionerFromConfig(options: {
  config: RootConfigService;
  logger: LoggerService;
  timeline: TimelineStore;
}): Promise<ServiceProvisioner> {
  const { config, logger, timeline } = options;
  const remote = config.getOptionalConfig('dbaas.gitops.remote');
  const localPath = config.getOptionalString('dbaas.gitops.localPath');
  if (!remote && !localPath) {
    logger.warn(
      'No GitOps repository is configured (dbaas.gitops): databases are recorded and stay pending',
    );
    return new RecordOnlyProvisioner();
  }
  const url = remote ? remote.getString('url') : path.resolve(localPath!);
  // Each replica keeps its own clone, reused across restarts; the remote
  // arbitrates between replicas.
  const workDir = path.join(
    os.tmpdir(),
    'dbaas-gitops',
    createHash('sha256')
      .update(`${os.hostname()}\n${url}`)
      .digest('hex')
      .slice(0, 16),
  );
  await fs.mkdir(workDir, { recursive: true });
  const repository = new GitOpsRepository({
    remote: url,
    token: remote?.getOptionalString('token'),
    username: remote?.getOptionalString('username'),
    branch: remote?.getOptionalString('branch'),
    workDir,
    catalog: serviceCatalog,
  });
  logger.info(`Claims are committed to ${withoutCredentials(url)}`);
  return new GitOpsProvisioner(repository, timeline, logger);
}

/** The URL without user and password, for logs. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return url;
  }
}
