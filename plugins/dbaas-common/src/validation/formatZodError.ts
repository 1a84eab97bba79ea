import type { z } from 'zod';

/**
 * One line naming each offending field and the rule it broke, e.g.
 * `engine: Invalid option: expected one of "yugabyte"|"vitess"`. Used as the
 * message of the InputError an API or action answers bad input with.
 * @public
 */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map(issue => {
      const field = issue.path.map(String).join('.');
      return field ? `${field}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
