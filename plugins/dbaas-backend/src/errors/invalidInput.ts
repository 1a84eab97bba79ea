import { InputError } from '@backstage/errors';

/** A broken rule of a request: the field (as a path) and what it must be. */
export type FieldIssue = { path: string[]; message: string };

/**
 * An InputError for rules checked outside a schema, with its issues in the shape
 * of a ZodError's, so the error handler names each field the same way.
 */
export function invalidInput(what: string, issues: FieldIssue[]): InputError {
  const summary = issues
    .map(issue => `${issue.path.join('.')}: ${issue.message}`)
    .join('; ');
  return withIssues(new InputError(`Invalid ${what}: ${summary}`), issues);
}

/**
 * Attaches the issues to the error for the error handler. Not as the error's
 * cause: Backstage appends a cause to the message, which would repeat it.
 */
export function withIssues(
  error: InputError,
  issues: FieldIssue[],
): InputError {
  return Object.assign(error, { issues });
}
