/* eslint-disable no-console -- a command scripts/start-with-services.sh runs */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import yaml from 'js-yaml';
import { WholeLoop } from './WholeLoop';

const USAGE = `Brings up the parts of the whole loop around a portal a person starts, on the
services of scripts/services.sh (kube, pops, gitserver, argocd; their env in the environment):

  - on each PoP: the engine operators' CRDs and the ServiceClaim operator, installed as
    its chart says and run as a process of this one (logs: DIR/operator-{pop}.log);
  - the portal's Argo CD service account with the Role of docs/api.md, and its token;
  - writes CONFIG, the portal's config layer naming the GitOps repository
    (\${DBAAS_GIT_ROOT}/REPOSITORY, cloned by Argo CD from \${DBAAS_GIT_URL}/REPOSITORY),
    that Argo CD and the two PoPs for the Kubernetes plugin; it holds tokens (mode 0600);
  - once the portal has committed its argocd/ layout, bootstraps Argo CD with it, as
    argocd/README.md in that repository says.

The engine operators are not played: claims stay Provisioning until
scripts/play-engine-operators.sh runs. Runs until SIGINT or SIGTERM, which stop the operators.

usage: startLoop.ts --dir DIR --config CONFIG [--repository gitops.git]`;

/** The loop being brought up, for the failure path of main. */
let running: WholeLoop | undefined;

function say(message: string) {
  console.log(`${new Date().toISOString()} ${message}`);
}

function parse(args: string[]) {
  const options: Record<string, string> = { repository: 'gitops.git' };
  for (let i = 0; i < args.length; i++) {
    const name = args[i].replace(/^--/, '');
    if (!['dir', 'config', 'repository'].includes(name) || !args[i + 1]) {
      throw new Error(USAGE);
    }
    options[name] = args[++i];
  }
  if (!options.dir || !options.config) throw new Error(USAGE);
  return options;
}

async function main(argv: string[]) {
  const options = parse(argv);
  const env = process.env as Record<string, string>;
  for (const name of ['DBAAS_POPS', 'DBAAS_GIT_ROOT', 'DBAAS_GIT_URL']) {
    if (!env[name]) {
      throw new Error(
        `${name} is not set: eval "$(scripts/services.sh env)" with kube, pops, gitserver and argocd started`,
      );
    }
  }
  fs.mkdirSync(options.dir, { recursive: true });
  const gitdir = path.join(env.DBAAS_GIT_ROOT, options.repository);
  const started = new WholeLoop(env);
  running = started;

  let stopping = false;
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    say('stopping the PoPs’ operators');
    started.stop().then(
      // Keep-alive connections of the Kubernetes client would hold the loop open.
      () => process.exit(0),
      error => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  await started.startPops({ engineOperators: false, logDir: options.dir });
  for (const pop of started.pops) {
    say(`${pop.name}: ServiceClaim operator ready as ${pop.operator!.user}`);
  }
  const config = await started.portalConfig({
    gitdir,
    repoURL: `${env.DBAAS_GIT_URL}/${options.repository}`,
  });
  // Written whole and then renamed: the script waits for the file to appear.
  const partial = `${options.config}.partial`;
  fs.writeFileSync(
    partial,
    `# Written by packages/test-services/src/loop/startLoop.ts; holds tokens.\n${yaml.dump(
      config,
    )}`,
    { mode: 0o600 },
  );
  fs.renameSync(partial, options.config);
  say(`portal config written to ${options.config}`);

  say(`waiting for the portal to commit its argocd/ layout to ${gitdir}`);
  while (!stopping) {
    if (started.layoutCommitted(gitdir)) {
      try {
        await started.bootstrapArgoCd(gitdir);
        say('Argo CD bootstrapped with argocd/bootstrap.yaml');
        return;
      } catch (error) {
        say(`bootstrapping Argo CD failed, trying again: ${error}`);
      }
    }
    await delay(1000);
  }
}

main(process.argv.slice(2)).catch(async error => {
  console.error(String(error?.message ?? error));
  // Operators started before the failure must not outlive it.
  await running?.stop().catch(() => undefined);
  process.exit(1);
});
