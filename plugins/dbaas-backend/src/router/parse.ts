import { InputError, NotFoundError } from '@backstage/errors';
import { formatZodError } from '@internal/backstage-plugin-dbaas-common';
import type { z } from 'zod';
import { invalidInput, withIssues } from '../errors/invalidInput';

/**
 * Parses input with a schema or throws an InputError carrying the issues, so the
 * error handler can name each offending field.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.output<S> {
  const forbidden = forbiddenKeyPath(input, []);
  if (forbidden) {
    throw invalidInput(what, [
      { path: forbidden, message: 'is not an allowed key' },
    ]);
  }
  const result = schema.safeParse(input ?? {});
  if (!result.success) {
    throw withIssues(
      new InputError(`Invalid ${what}: ${formatZodError(result.error)}`),
      result.error.issues.flatMap(issue =>
        // Zod reports unknown keys on the object holding them; name each key.
        issue.code === 'unrecognized_keys'
          ? issue.keys.map(key => ({
              path: [...issue.path.map(String), key],
              message: 'Unrecognized key',
            }))
          : [{ path: issue.path.map(String), message: issue.message }],
      ),
    );
  }
  return result.data;
}

/**
 * The path of a `__proto__` key anywhere in parsed JSON. Schemas would drop it
 * silently (it names the prototype, not a property), so it is refused instead.
 */
function forbiddenKeyPath(
  value: unknown,
  path: string[],
): string[] | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (key === '__proto__') {
      return [...path, key];
    }
    const found = forbiddenKeyPath((value as Record<string, unknown>)[key], [
      ...path,
      key,
    ]);
    if (found) {
      return found;
    }
  }
  return undefined;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An id from the path. Anything but a UUID cannot name one: 404. */
export function parseUuid(id: string, what: string): string {
  if (!uuid.test(id)) {
    throw new NotFoundError(`There is no ${what} ${id}`);
  }
  return id.toLowerCase();
}

/** A database id from the path. */
export function parseServiceId(id: string): string {
  return parseUuid(id, 'database');
}

/** An organization from the path: a group ref, or a group name in the default namespace. */
export function parseOrganizationRef(id: string): string {
  const ref = id.includes(':') ? id : `group:default/${id}`;
  return ref.toLowerCase();
}
