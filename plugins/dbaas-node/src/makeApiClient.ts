import http from 'node:http';
import https from 'node:https';
import {
  Observable,
  ServerConfiguration,
  createConfiguration,
  type Configuration,
  type KubeConfig,
  type ObservableMiddleware,
} from '@kubernetes/client-node';

const agents = new WeakMap<KubeConfig, Promise<http.Agent | undefined>>();

/**
 * One keep-alive agent per KubeConfig, with the TLS settings client-node would
 * use. Undefined for a cluster behind a proxy, where client-node's own agent
 * (which knows the proxy) is kept.
 */
function sharedAgent(kc: KubeConfig): Promise<http.Agent | undefined> {
  let agent = agents.get(kc);
  if (!agent) {
    agent = (async () => {
      const cluster = kc.getCurrentCluster();
      if (!cluster || cluster.proxyUrl) return undefined;
      if (cluster.server.startsWith('http:')) {
        return new http.Agent({ keepAlive: true });
      }
      const tls: https.RequestOptions = {};
      await kc.applyToHTTPSOptions(tls);
      return new https.Agent({
        keepAlive: true,
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        pfx: tls.pfx,
        passphrase: tls.passphrase,
        rejectUnauthorized: cluster.skipTLSVerify
          ? false
          : tls.rejectUnauthorized,
        servername: cluster.tlsServerName,
      });
    })();
    agents.set(kc, agent);
  }
  return agent;
}

/**
 * `kc.makeApiClient(type)`, with connections to the apiserver reused.
 * client-node 1.4 makes a new https.Agent for every request, so every request
 * opens a TLS connection; on the local apiserver that was most of a request's
 * cost. Credentials still come from `kc` per request (a rotated token is
 * picked up); the TLS material is read once, so a rotated client certificate
 * needs a restart.
 */
export function makeApiClient<T>(
  kc: KubeConfig,
  ApiType: new (configuration: Configuration) => T,
): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('The kubeconfig has no current cluster');
  // Runs after client-node applied its authentication, which set the agent.
  const reuseConnections: ObservableMiddleware = {
    pre: context =>
      new Observable(
        sharedAgent(kc).then(agent => {
          if (agent) context.setAgent(agent);
          return context;
        }),
      ),
    post: context => new Observable(Promise.resolve(context)),
  };
  return new ApiType(
    createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kc },
      middleware: [reuseConnections],
    }),
  );
}
