import { z } from 'zod';
import { formatZodError } from '../validation/formatZodError';

/**
 * A PoP (point of presence) is data, not code: a catalog entity of kind
 * Resource and type {@link POP_ENTITY_TYPE}, named after the PoP and carrying
 * {@link POP_ANNOTATION}. Regions in the API, the SKU catalog's availability,
 * the clusters the portal watches and shows, and the clusters Argo CD syncs to
 * are all read from these entities, so adding a PoP is adding an entity.
 */

/** The Resource type of a PoP entity (Backstage's own type for clusters). @public */
export const POP_ENTITY_TYPE = 'kubernetes-cluster';

/**
 * The annotation that makes a `kubernetes-cluster` Resource a PoP; its value is
 * the PoP's id, which must equal the entity's name. The Argo CD cluster of the
 * PoP carries the same key as a label. @public
 */
export const POP_ANNOTATION = 'dbaas.io/pop';

/**
 * Node sizes a PoP stocks. `large` nodes (a lot of memory, NVMe for Aerospike)
 * are only in the bigger PoPs; a SKU that needs them is offered only there.
 * @public
 */
export const NODE_SIZES = ['standard', 'large'] as const;

/** @public */
export type NodeSize = (typeof NODE_SIZES)[number];

/**
 * The id of a PoP: a DNS label short enough to prefix Argo CD Application
 * names (`{pop}-{tenant}`) and Kubernetes object names. @public
 */
export const popIdSchema = z
  .string()
  .max(20, 'must be at most 20 characters')
  .regex(
    /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    'must be a DNS label: lowercase letters, digits and dashes, starting with a letter',
  );

/** {@link popIdSchema} in JSON Schema, for the operator chart's `pop` value. @public */
export const POP_ID_JSON_SCHEMA = {
  type: 'string',
  maxLength: 20,
  pattern: '^[a-z]([-a-z0-9]*[a-z0-9])?$',
} as const;

/** A PoP, as the SKU catalog and the API's regions list it. @public */
export const popSchema = z.object({
  id: popIdSchema,
  displayName: z.string().min(1),
  country: z.string().min(1),
  continent: z.string().min(1),
  /** Where the PoP's data centre is, in words (a site or a city). */
  location: z.string().min(1).optional(),
  /** The cluster's availability zones (its nodes' topology.kubernetes.io/zone). */
  zones: z.array(z.string().min(1)).min(1),
  /** The StorageClass of the PoP's local NVMe volumes, which databases use. */
  storageClass: z.string().min(1),
  /** The node sizes it stocks; standard only unless said. */
  nodeSizes: z.array(z.enum(NODE_SIZES)).min(1),
});

/** @public */
export type Pop = z.infer<typeof popSchema>;

/** What a PoP entity's `spec.pop` holds (the rest comes from its metadata). */
const popSpecSchema = z
  .object({
    country: z.string().min(1),
    continent: z.string().min(1),
    location: z.string().min(1).optional(),
    zones: z.array(z.string().min(1)).min(1),
    storageClass: z.string().min(1),
    nodeSizes: z.array(z.enum(NODE_SIZES)).min(1).optional(),
  })
  .strict();

/** The parts of a catalog entity a PoP is read from. @public */
export type PopEntityLike = {
  kind: string;
  metadata: {
    name: string;
    title?: string;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown> | object;
};

/** True for a catalog entity that says it is a PoP (valid or not). @public */
export function isPopEntity(entity: PopEntityLike): boolean {
  const spec = (entity.spec ?? {}) as Record<string, unknown>;
  return (
    entity.kind.toLowerCase() === 'resource' &&
    spec.type === POP_ENTITY_TYPE &&
    entity.metadata.annotations?.[POP_ANNOTATION] !== undefined
  );
}

/**
 * The PoP a catalog entity describes. Throws an Error saying what is wrong
 * when the entity is not a valid PoP.
 * @public
 */
export function popFromEntity(entity: PopEntityLike): Pop {
  const name = entity.metadata.name;
  const id = entity.metadata.annotations?.[POP_ANNOTATION];
  if (!isPopEntity(entity)) {
    throw new Error(
      `${name} is not a PoP: a PoP is a Resource of type ${POP_ENTITY_TYPE} with the ${POP_ANNOTATION} annotation`,
    );
  }
  if (id !== name) {
    throw new Error(
      `PoP ${name}: its ${POP_ANNOTATION} annotation (${id}) must equal its name`,
    );
  }
  const spec = popSpecSchema.safeParse(
    (entity.spec as Record<string, unknown>).pop ?? {},
  );
  if (!spec.success) {
    throw new Error(`PoP ${name}: spec.pop: ${formatZodError(spec.error)}`);
  }
  const pop = popSchema.safeParse({
    id,
    displayName: entity.metadata.title ?? name,
    ...spec.data,
    nodeSizes: spec.data.nodeSizes ?? ['standard'],
  });
  if (!pop.success) {
    throw new Error(`PoP ${name}: ${formatZodError(pop.error)}`);
  }
  return pop.data;
}
