/** A JSON Schema, or any other part of the OpenAPI document, as plain data. */
export type JsonSchema = Record<string, unknown>;

/** A reference to a schema in the document's `components.schemas`. */
export const schemaRef = (name: string): JsonSchema => ({
  $ref: `#/components/schemas/${name}`,
});
