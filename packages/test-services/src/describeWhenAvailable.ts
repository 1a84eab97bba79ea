/* eslint-disable jest/no-export, jest/no-disabled-tests, jest/valid-title, jest/valid-describe-callback, jest/expect-expect --
   a describe() wrapper: its title and callback come from the caller. */

/**
 * `describe` for a suite that needs a tool or an artifact of the test command (helm,
 * a built image). The suite's function receives it. Without it the suite fails under
 * CI=true and is skipped with a loud warning elsewhere, the same rule as
 * describeWithServices.
 */
export function describeWhenAvailable<T>(
  title: string,
  what: string,
  found: { value: T } | { missing: string },
  fn: (value: T) => void,
): void {
  if ('value' in found) {
    describe(title, () => {
      fn(found.value);
    });
    return;
  }
  if (process.env.CI) {
    describe(title, () => {
      it(`has ${what}`, () => {
        throw new Error(`Suite cannot run: ${found.missing}`);
      });
    });
    return;
  }
  // eslint-disable-next-line no-console
  console.warn(
    `\n!!! SKIPPING "${title}": ${found.missing}\n(With CI=true this fails.)\n`,
  );
  // fn is not called: its suites would start services for nothing.
  describe.skip(title, () => {
    it(`has ${what}`, () => undefined);
  });
}
