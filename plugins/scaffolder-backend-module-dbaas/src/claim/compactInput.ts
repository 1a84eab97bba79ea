import type { JsonValue } from '@backstage/types';

/**
 * The value without the parts a form left empty: a template passes optional
 * form fields as `${{ parameters.storageSize }}`, which renders an empty string
 * (or nothing) when the field was left blank, and the API would refuse `""` as
 * a size. Empty strings, nulls and objects left empty are dropped, recursively.
 */
export function compactInput<T extends JsonValue | undefined>(
  value: T,
): T | undefined {
  if (value === null || value === undefined || value === '') {
    return undefined;
  }
  if (Array.isArray(value)) {
    return value
      .map(item => compactInput(item))
      .filter(item => item !== undefined) as T;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([key, item]) => [key, compactInput(item)] as const)
      .filter(([, item]) => item !== undefined);
    return entries.length ? (Object.fromEntries(entries) as T) : undefined;
  }
  return value;
}
