import { z } from 'zod';
import { serviceClaimSpecShape } from './serviceClaimSpec';
import { serviceClaimStatusSchema } from './serviceClaimStatus';

/** The ServiceClaim custom resource's API group and version. @public */
export const SERVICE_CLAIM_API = {
  group: 'dbaas.io',
  version: 'v1alpha1',
  kind: 'ServiceClaim',
  plural: 'serviceclaims',
} as const;

type JsonSchema = Record<string, any>;

/**
 * JSON Schema as zod writes it, made into a Kubernetes structural schema: no
 * `$schema`, no `propertyNames`, and no `additionalProperties: false` (the apiserver
 * prunes unknown fields itself, and forbids it beside `properties`).
 */
function toStructural(schema: JsonSchema): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$schema' || key === 'propertyNames') continue;
    if (key === 'additionalProperties' && value === false) continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as JsonSchema).map(([k, v]) => [
          k,
          toStructural(v),
        ]),
      );
    } else if (
      (key === 'items' || key === 'additionalProperties') &&
      typeof value === 'object'
    ) {
      out[key] = toStructural(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/**
 * The ServiceClaim CRD, generated from the same zod schemas the API validates with.
 * The rules that span fields (engine and plan rules) are not expressible here; the
 * operator applies the rules its render needs (runnableClaimSpecSchema) and reports
 * a violation as a condition.
 * @public
 */
export function serviceClaimCrd() {
  const spec = toStructural(
    z.toJSONSchema(serviceClaimSpecShape, { io: 'input' }),
  );
  const status = toStructural(
    z.toJSONSchema(serviceClaimStatusSchema, { io: 'input' }),
  );
  const column = (name: string, jsonPath: string) => ({
    name,
    type: 'string',
    jsonPath,
  });
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${SERVICE_CLAIM_API.plural}.${SERVICE_CLAIM_API.group}`,
    },
    spec: {
      group: SERVICE_CLAIM_API.group,
      scope: 'Namespaced',
      names: {
        kind: SERVICE_CLAIM_API.kind,
        listKind: `${SERVICE_CLAIM_API.kind}List`,
        plural: SERVICE_CLAIM_API.plural,
        singular: 'serviceclaim',
        shortNames: ['claim'],
        categories: ['dbaas'],
      },
      versions: [
        {
          name: SERVICE_CLAIM_API.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            column('Engine', '.spec.engine'),
            column('Plan', '.spec.plan'),
            column('Region', '.spec.region'),
            column('Phase', '.status.phase'),
            {
              name: 'Age',
              type: 'date',
              jsonPath: '.metadata.creationTimestamp',
            },
          ],
          schema: {
            openAPIV3Schema: {
              description:
                'A request for a managed database, reconciled by the ServiceClaim operator.',
              type: 'object',
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec,
                status,
              },
            },
          },
        },
      ],
    },
  };
}
