import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { stateDir } from './serviceEnv';

/** Who holds a lock, as its file says. */
type Holder = {
  pid: number;
  host: string;
  /** Tells this holding apart from another of the same process. */
  token: string;
  /** What holds it, for the message of whoever waits. */
  by: string;
  since: number;
};

/** Locks this process holds now, by their tokens. */
const held = new Set<string>();

/** Options of {@link takeStackLock}. */
export type StackLockOptions = {
  /** What takes the lock (a suite), for the message of whoever waits. */
  by: string;
  /** How long to wait for the holder to let go; default 15 minutes. */
  timeoutMs?: number;
  /** How often to look again; default 500 ms. */
  pollMs?: number;
  /** A lock held longer than this is taken for forgotten and broken; default 30 minutes. */
  staleMs?: number;
  /** Told once when the lock is held by another, and by whom. */
  onWait?: (holder: string) => void;
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: a process of another user holds that id, and it is alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
  } catch {
    // Gone meanwhile, or being written: looked at again on the next poll.
    return undefined;
  }
}

/** Why a holder no longer counts, or undefined while it does. */
function staleness(holder: Holder, staleMs: number): string | undefined {
  if (holder.host !== os.hostname()) {
    return Date.now() - holder.since > staleMs ? 'held too long' : undefined;
  }
  if (!alive(holder.pid)) return 'its process is gone';
  // A jest worker runs one suite after another in one process: a lock of
  // this process that it does not hold now was left by an earlier suite.
  if (holder.pid === process.pid && !held.has(holder.token)) {
    return 'left by an earlier holder in this process';
  }
  return Date.now() - holder.since > staleMs ? 'held too long' : undefined;
}

const describeHolder = (holder: Holder) =>
  `${holder.by} (pid ${holder.pid} on ${holder.host}, since ${new Date(
    holder.since,
  ).toISOString()})`;

/**
 * Takes the lock `name` of the service stack (a file in its state folder), for
 * parts of the stack that test suites cannot share: suites that run at once
 * (jest runs two files at a time on two cores) and use such a part take turns.
 * Waits while another process holds it; a lock whose process is gone, or
 * which was held for longer than `staleMs`, is broken. Resolves to the
 * function that lets it go.
 */
export async function takeStackLock(
  name: string,
  options: StackLockOptions,
): Promise<() => void> {
  const {
    timeoutMs = 15 * 60_000,
    pollMs = 500,
    staleMs = 30 * 60_000,
  } = options;
  const dir = path.join(stateDir(), 'locks');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.lock`);
  const mine: Holder = {
    pid: process.pid,
    host: os.hostname(),
    token: crypto.randomUUID(),
    by: options.by,
    since: 0,
  };
  const deadline = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    try {
      mine.since = Date.now();
      fs.writeFileSync(file, JSON.stringify(mine), { flag: 'wx' });
      held.add(mine.token);
      return () => {
        held.delete(mine.token);
        if (readHolder(file)?.token === mine.token) fs.rmSync(file);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readHolder(file);
    const stale = holder && staleness(holder, staleMs);
    if (holder && stale) {
      // Only the file as read: another taker may have broken it already.
      if (readHolder(file)?.token === holder.token) {
        fs.rmSync(file, { force: true });
      }
      continue;
    }
    if (holder && !told) {
      told = true;
      options.onWait?.(describeHolder(holder));
    }
    if (Date.now() > deadline) {
      throw new Error(
        `The stack's ${name} lock was not free within ${
          timeoutMs / 1000
        } s; it is held by ${holder ? describeHolder(holder) : 'someone'}`,
      );
    }
    await delay(pollMs);
  }
}
