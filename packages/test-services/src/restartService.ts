import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './repoRoot';
import type { ServiceName } from './services';
import { takeStackLock } from './stackLock';

/**
 * Waits for a turn with the stack's Kafka and holds it until the returned
 * function is called. A restart of Kafka ({@link restartService}) takes the
 * same turn, so a suite that reads or writes Kafka with a client of its own
 * (not through the product's relays, which ride a restart out through their
 * outbox) takes one around that, and no other suite's outage test restarts
 * the broker under it: jest runs two suites at a time, and a kafkajs client
 * whose broker goes away mid-connect gives up with a non-retriable error.
 */
export function takeKafkaTurn(by: string): Promise<() => void> {
  return takeStackLock('kafka', {
    by,
    onWait: holder =>
      process.stderr.write(
        `${by} waits for its turn with Kafka, held by ${holder}\n`,
      ),
  });
}

/**
 * `scripts/services.sh restart NAME`: the service stops and starts again on
 * the same ports with the same data, for tests of an outage. Kafka's restart
 * waits for its turn ({@link takeKafkaTurn}).
 */
export async function restartService(name: ServiceName): Promise<void> {
  const letGo =
    name === 'kafka'
      ? await takeKafkaTurn(`a restart of Kafka (pid ${process.pid})`)
      : undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        path.join(repoRoot, 'scripts/services.sh'),
        ['restart', name],
        { stdio: ['ignore', 'inherit', 'inherit'] },
      );
      child.on('error', reject);
      child.on('exit', code =>
        code === 0
          ? resolve()
          : reject(new Error(`restart ${name} exited with ${code}`)),
      );
    });
  } finally {
    letGo?.();
  }
}
