import { AsyncLocalStorage } from 'node:async_hooks';
import os from 'node:os';
import { startPortalTestBackend } from './startPortalTestBackend';

const replicaName = new AsyncLocalStorage<string>();
let starting = 0;
let realHostname: typeof os.hostname | undefined;

/**
 * Starts the portal's backend as one replica of several in this process: while
 * it starts, `os.hostname()` answers `name` to it, as each pod's own does.
 * Without that, replicas started in one process would share what a pod keys
 * on its hostname, such as the DBaaS plugin's GitOps working copy under
 * os.tmpdir(), which separate pods never share. The real hostname is back once
 * no replica is starting, so nothing outlives the starts.
 */
export async function startReplica(
  name: string,
  options: Parameters<typeof startPortalTestBackend>[0],
): ReturnType<typeof startPortalTestBackend> {
  if (starting++ === 0) {
    const real = os.hostname;
    realHostname = real;
    os.hostname = () => replicaName.getStore() ?? real();
  }
  try {
    return await replicaName.run(name, () => startPortalTestBackend(options));
  } finally {
    if (--starting === 0 && realHostname) {
      os.hostname = realHostname;
      realHostname = undefined;
    }
  }
}
