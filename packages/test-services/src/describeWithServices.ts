/* eslint-disable jest/no-export, jest/valid-title, jest/valid-describe-callback --
   a describe() wrapper: its title and callback come from the caller. */
import { serviceEnv } from './serviceEnv';
import type { ServiceName } from './services';

/**
 * `describe` for a suite that needs real services. The suite's function receives the
 * services' variables. When a service cannot be had, the suite fails under CI=true and
 * is skipped with a loud warning elsewhere, so a green CI always means the real thing ran.
 */
export function describeWithServices(
  names: ServiceName[],
  title: string,
  fn: (env: Record<string, string>) => void,
): void {
  const env: Record<string, string> = {};
  const missing: string[] = [];
  for (const name of names) {
    const result = serviceEnv(name);
    if ('missing' in result) {
      missing.push(result.missing);
    } else {
      Object.assign(env, result.env);
    }
  }
  if (missing.length === 0) {
    describe(title, () => fn(env));
    return;
  }
  const reason = missing.join('\n');
  if (process.env.CI) {
    describe(title, () => {
      it('has the services it needs', () => {
        throw new Error(`Integration suite cannot run:\n${reason}`);
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(
    `\n!!! SKIPPING "${title}": needs real services.\n${reason}\n(With CI=true this fails.)\n`,
  );
  describe.skip(title, () => fn(env));
}
