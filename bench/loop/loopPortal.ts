/**
 * The portal's backend in a process of its own, so that its CPU can be read
 * apart from the bench's (which also runs the engine operators' stand-in):
 * started by runLoopBench.ts with startPortalTestBackend's options in
 * BENCH_LOOP_PORTAL; answers `{ port }` once it listens and stops on `stop`.
 */
import type { AddressInfo } from 'node:net';
import { startPortalTestBackend } from '../../packages/backend/src/__testUtils__/startPortalTestBackend';

/** What runLoopBench.ts passes in BENCH_LOOP_PORTAL. */
export type LoopPortalOptions = Parameters<typeof startPortalTestBackend>[0];

async function main() {
  const options = JSON.parse(
    process.env.BENCH_LOOP_PORTAL ?? '',
  ) as LoopPortalOptions;
  const backend = await startPortalTestBackend(options);
  process.on('message', async (message: { type?: string }) => {
    if (message.type === 'stop') {
      await backend.stop();
      process.exit(0);
    }
  });
  process.send!({
    type: 'ready',
    port: (backend.server.address() as AddressInfo).port,
  });
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
