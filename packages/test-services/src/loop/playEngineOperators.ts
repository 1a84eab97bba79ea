/* eslint-disable no-console -- a command a person runs */
import { KubeConfig } from '@kubernetes/client-node';
import type {
  InformerLogFields,
  InformerLogger,
} from '@internal/backstage-plugin-dbaas-node';
import {
  EngineOperatorStandIn,
  type EnginePhase,
} from './EngineOperatorStandIn';

const USAGE = `Plays the engine operators (a stand-in: no database runs) on local PoP clusters,
so that their ServiceClaim operators report databases Active.

usage: yarn workspace @internal/test-services engines:play [--phase healthy|provisioning|failed] KUBECONFIG...

Each KUBECONFIG is the kubeconfig of one PoP cluster (an administrator's). Runs until Ctrl-C.`;

function line(message: string, fields: InformerLogFields = {}) {
  const rest = Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return `${new Date().toISOString()} ${message}${rest ? ` ${rest}` : ''}`;
}

function logger(fields: InformerLogFields = {}): InformerLogger {
  const say =
    (write: (text: string) => void) =>
    (message: string, more?: InformerLogFields) =>
      write(line(message, { ...fields, ...more }));
  return {
    debug: () => undefined,
    info: say(console.log),
    warn: say(console.error),
    error: say(console.error),
    child: more => logger({ ...fields, ...more }),
  };
}

async function main(args: string[]): Promise<void> {
  let phase: EnginePhase = 'healthy';
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--phase') {
      phase = args[++i] as EnginePhase;
    } else if (args[i] === '--help' || args[i] === '-h') {
      console.log(USAGE);
      return;
    } else {
      files.push(args[i]);
    }
  }
  if (!['healthy', 'provisioning', 'failed'].includes(phase)) {
    throw new Error(`--phase must be healthy, provisioning or failed`);
  }
  if (files.length === 0) {
    console.error(USAGE);
    process.exitCode = 2;
    return;
  }
  const standIns = files.map(file => {
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(file);
    const server = kubeConfig.getCurrentCluster()?.server;
    return new EngineOperatorStandIn({
      kubeConfig,
      phase,
      logger: logger({ cluster: server }),
    });
  });
  await Promise.all(standIns.map(standIn => standIn.start()));
  console.log(
    line(
      `playing the engine operators (${phase}) on ${files.length} cluster(s); Ctrl-C ends`,
    ),
  );
  const shutdown = () => {
    Promise.all(standIns.map(standIn => standIn.stop())).then(
      // Keep-alive connections of the Kubernetes client would hold the loop open.
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

main(process.argv.slice(2)).catch(error => {
  console.error(String(error?.message ?? error));
  process.exit(1);
});
