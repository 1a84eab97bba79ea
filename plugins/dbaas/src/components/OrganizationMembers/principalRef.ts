import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { entityRefSchema } from '@internal/backstage-plugin-dbaas-common';

/**
 * The entity reference a person typed for a user or group: a bare name is a
 * user of the default namespace (`ada` is `user:default/ada`). Undefined with
 * the reason when it names neither a user nor a group.
 */
export function principalRef(
  input: string,
): { ref: string; problem?: undefined } | { ref?: undefined; problem: string } {
  const text = input.trim();
  if (!text) return { problem: 'Name a user or group' };
  let ref: string;
  try {
    ref = stringifyEntityRef(
      parseEntityRef(text, {
        defaultKind: 'user',
        defaultNamespace: 'default',
      }),
    );
  } catch {
    return { problem: 'Not an entity reference such as user:default/ada' };
  }
  // Backstage compares references case-insensitively; the API lower-cases them.
  const parsed = entityRefSchema.safeParse(ref.toLowerCase());
  return parsed.success
    ? { ref: parsed.data }
    : {
        problem:
          'Must be a user or group, such as user:default/ada or group:default/payments',
      };
}
