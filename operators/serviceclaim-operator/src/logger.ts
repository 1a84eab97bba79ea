/** Fields attached to a log line; errors are written as their message. */
export type LogFields = Record<string, unknown>;

/** A structured logger: one JSON object per line. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40 } as const;

/** The level names {@link createLogger} accepts. */
export type LogLevel = keyof typeof LEVELS;

function plain(value: unknown): unknown {
  if (value instanceof Error) return value.message;
  return value;
}

/**
 * A JSON-lines logger for the operator's stdout, which the cluster's log
 * pipeline parses: `{"time":…,"level":"info","msg":…,…fields}`. It is this small
 * on purpose; the operator needs nothing a log shipper does not already do.
 */
export function createLogger(
  options: {
    level?: LogLevel;
    fields?: LogFields;
    write?: (line: string) => void;
  } = {},
): Logger {
  const threshold = LEVELS[options.level ?? 'info'];
  const write =
    options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const make = (bound: LogFields): Logger => {
    const log =
      (level: LogLevel) =>
      (message: string, fields: LogFields = {}) => {
        if (LEVELS[level] < threshold) return;
        const entry: LogFields = {
          time: new Date().toISOString(),
          level,
          msg: message,
        };
        for (const [key, value] of Object.entries({ ...bound, ...fields })) {
          if (value !== undefined) entry[key] = plain(value);
        }
        write(JSON.stringify(entry));
      };
    return {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: fields => make({ ...bound, ...fields }),
    };
  };
  return make(options.fields ?? {});
}

/** A logger that drops everything; for tests and benchmarks. */
export const silentLogger: Logger = createLogger({ write: () => undefined });
