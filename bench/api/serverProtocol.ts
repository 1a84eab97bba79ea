import type { ProfileSummary } from './cpuProfile';

/** Time spent in one SQL statement text while a step ran. */
export type StatementTime = { sql: string; calls: number; ms: number };

/** What runApiBench.ts asks the server process. */
export type ServerRequest =
  | { type: 'usage' }
  | { type: 'capture' }
  | { type: 'explain' }
  | { type: 'profile-start' }
  /** Ends the CPU profile, writes it to the file and summarises it. */
  | { type: 'profile-stop'; file: string }
  | { type: 'stop' };

/** What the server process answers. */
export type ServerReply =
  | { type: 'ready'; port: number }
  | {
      type: 'usage';
      /** CPU time (user and system) since the last usage request. */
      cpuMs: number;
      eventLoopUtilization: number;
      statements: StatementTime[];
    }
  | { type: 'capturing' }
  | { type: 'profiling' }
  | { type: 'profile'; summary: ProfileSummary }
  | { type: 'plans'; plans: { sql: string; plan: string }[] };
