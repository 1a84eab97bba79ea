import net, { type AddressInfo } from 'node:net';

/** A TCP proxy started by {@link startTcpProxy}. */
export type TcpProxy = {
  /** The target's URL with the proxy's host and port. */
  url: string;
  /** Destroys every connection open through the proxy, as a network failure would. */
  cutConnections(): void;
  /** Cuts what is still open and stops listening. */
  close(): Promise<void>;
};

/**
 * A TCP proxy on a free loopback port in front of `target` (a URL; TLS passes
 * through untouched), whose connections a test can cut: how a watch is shown
 * to survive a dropped connection against the real apiserver.
 */
export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const upstream = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = net.createServer(client => {
    const remote = net.connect(Number(upstream.port), upstream.hostname);
    sockets.add(client).add(remote);
    client.pipe(remote).pipe(client);
    const close = () => {
      client.destroy();
      remote.destroy();
      sockets.delete(client);
      sockets.delete(remote);
    };
    client.on('error', close).on('close', close);
    remote.on('error', close).on('close', close);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const cutConnections = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };
  return {
    url: `${upstream.protocol}//127.0.0.1:${port}`,
    cutConnections,
    close: async () => {
      cutConnections();
      await new Promise(resolve => server.close(resolve));
    },
  };
}
