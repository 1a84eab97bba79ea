import type { LoggerService } from '@backstage/backend-plugin-api';
import type { logCreator } from 'kafkajs';

/**
 * kafkajs' own log lines, at debug level: during an outage it reports every
 * retry, while the relay warns once per outage itself.
 */
export function kafkaLogCreator(logger: LoggerService): logCreator {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, log }) => {
      const cause = typeof log.error === 'string' ? `: ${log.error}` : '';
      child.debug(`${namespace} ${log.message}${cause}`);
    };
}
