/** The parts of an OpenAPI v3 schema (as CRDs use it) that shape an example. */
export type JsonSchema = {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  minItems?: number;
  minLength?: number;
  format?: string;
  'x-kubernetes-int-or-string'?: boolean;
};

/**
 * The smallest value the schema accepts, built from its required fields, defaults,
 * enums and minimums. Patterns and CEL rules are not solved for; CRDs whose
 * required fields have them get a hand-written example instead.
 */
export function exampleFromSchema(schema: JsonSchema): unknown {
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  if (schema['x-kubernetes-int-or-string']) return 1;
  switch (schema.type) {
    case 'object':
      return Object.fromEntries(
        (schema.required ?? []).map(key => [
          key,
          exampleFromSchema(schema.properties?.[key] ?? {}),
        ]),
      );
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () =>
        exampleFromSchema(schema.items ?? {}),
      );
    case 'string':
      if (schema.format === 'date-time') return '2026-01-01T00:00:00Z';
      return 'example'.padEnd(schema.minLength ?? 0, 'x');
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return false;
    default:
      return {};
  }
}

/**
 * A path to a property under `spec` with a declared scalar or object type, and a
 * value of another type: setting it makes an example that the API server's schema
 * validation must reject.
 */
export function wrongTypeUnderSpec(
  spec: JsonSchema,
): { path: string[]; value: unknown } | undefined {
  const walk = (
    schema: JsonSchema,
    path: string[],
  ): { path: string[]; value: unknown } | undefined => {
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (child['x-kubernetes-int-or-string']) continue;
      if (child.type === 'string')
        return { path: [...path, key], value: { not: 'a string' } };
      if (child.type === 'integer' || child.type === 'boolean')
        return { path: [...path, key], value: 'not-a-number-or-boolean' };
      if (child.type === 'array')
        return { path: [...path, key], value: 'not-an-array' };
    }
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      if (child.type === 'object' && child.properties) {
        const found = walk(child, [...path, key]);
        if (found) return found;
      }
    }
    return undefined;
  };
  // A spec with no typed fields (free-form) still has to be an object.
  return walk(spec, ['spec']) ?? { path: ['spec'], value: 'not-an-object' };
}
