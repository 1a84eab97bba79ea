import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { takeStackLock } from './stackLock';

describe('takeStackLock', () => {
  const saved = process.env.DBAAS_SERVICES_STATE;
  let state: string;
  const lockFile = () => path.join(state, 'locks', 'whole-loop.lock');
  const leave = (holder: object) => {
    fs.mkdirSync(path.dirname(lockFile()), { recursive: true });
    fs.writeFileSync(
      lockFile(),
      JSON.stringify({
        host: os.hostname(),
        token: 'another',
        by: 'another suite',
        since: Date.now(),
        ...holder,
      }),
    );
  };

  beforeEach(() => {
    state = fs.mkdtempSync(path.join(os.tmpdir(), 'stack-lock-'));
    process.env.DBAAS_SERVICES_STATE = state;
  });

  afterEach(() => {
    if (saved === undefined) delete process.env.DBAAS_SERVICES_STATE;
    else process.env.DBAAS_SERVICES_STATE = saved;
    fs.rmSync(state, { recursive: true, force: true });
  });

  it('lets one holder in at a time: the next waits until it lets go', async () => {
    const letFirstGo = await takeStackLock('whole-loop', { by: 'first' });
    const waiting: string[] = [];
    let secondIn = false;
    const second = takeStackLock('whole-loop', {
      by: 'second',
      pollMs: 20,
      onWait: holder => waiting.push(holder),
    }).then(letGo => {
      secondIn = true;
      return letGo;
    });
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(secondIn).toBe(false);
    expect(waiting).toEqual([
      expect.stringMatching(new RegExp(`^first \\(pid ${process.pid} `)),
    ]);

    letFirstGo();
    const letSecondGo = await second;
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).by).toBe('second');
    letSecondGo();
    expect(fs.existsSync(lockFile())).toBe(false);
  });

  it('breaks a lock whose process is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    leave({ pid: gone });

    const letGo = await takeStackLock('whole-loop', { by: 'me', pollMs: 20 });
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).by).toBe('me');
    letGo();
  });

  it('breaks a lock an earlier suite of the same jest worker left', async () => {
    leave({ pid: process.pid, token: 'not held any more' });

    const letGo = await takeStackLock('whole-loop', { by: 'me', pollMs: 20 });
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).by).toBe('me');
    letGo();
  });

  it('gives up after its timeout, naming the holder', async () => {
    // Jest's own process: alive, and not this one.
    leave({ pid: process.ppid });

    await expect(
      takeStackLock('whole-loop', { by: 'me', timeoutMs: 100, pollMs: 20 }),
    ).rejects.toThrow(
      /^The stack's whole-loop lock was not free within 0.1 s; it is held by another suite \(pid \d+ /,
    );
    // Still the other's.
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).by).toBe(
      'another suite',
    );
  });

  it('breaks a lock held longer than staleMs', async () => {
    leave({ pid: process.ppid, since: Date.now() - 10_000 });

    const letGo = await takeStackLock('whole-loop', {
      by: 'me',
      staleMs: 5_000,
      pollMs: 20,
    });
    expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8')).by).toBe('me');
    letGo();
  });
});
