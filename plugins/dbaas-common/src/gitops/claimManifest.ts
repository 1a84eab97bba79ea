import yaml from 'js-yaml';
import { SERVICE_CLAIM_API } from '../claim/serviceClaimCrd';
import {
  serviceClaimSpecShape,
  type ServiceClaimSpec,
} from '../claim/serviceClaimSpec';
import { DBAAS_LABELS, tenantNamespace } from './claimLocation';

/**
 * What a claim is made from. A preview (the scaffolder's dry run) has no id,
 * organization or generation yet; the committed claim has them all.
 * @public
 */
export type ClaimManifestInput = {
  id?: string;
  tenant: string;
  organization?: string;
  name: string;
  generation?: number;
  /**
   * The latest manual backup requested of the database (the portal's backup
   * id); the operator takes it once. Kept on every later commit: a claim
   * written without it would read as no request.
   */
  backupRequest?: string;
  /** The primary's first completed backup, for replica regions (CLAIM_ANNOTATIONS). */
  primaryBackup?: string;
  spec: ServiceClaimSpec;
};

/** A ServiceClaim resource as it is committed to the GitOps repository. @public */
export type ServiceClaimManifest = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  spec: ServiceClaimSpec;
};

/** Annotations the portal puts on a claim beside the shared labels. @public */
export const CLAIM_ANNOTATIONS = {
  organization: 'dbaas.io/organization',
  generation: 'dbaas.io/generation',
  /** The portal's id of the latest manual backup requested of the database. */
  backupRequest: 'dbaas.io/backup-request',
  /**
   * The primary's first completed backup (the engine's id of it), once the
   * portal saw one: the replica regions of a PostgreSQL database start from
   * the primary's archive, which holds nothing before it.
   */
  primaryBackup: 'dbaas.io/primary-backup',
} as const;

const HEADER =
  '# Written by the DBaaS portal: change this database in the portal, not here.\n';

type ZodDef = {
  type: string;
  shape?: Record<string, { _zod: { def: ZodDef } }>;
  innerType?: { _zod: { def: ZodDef } };
  valueType?: { _zod: { def: ZodDef } };
  element?: { _zod: { def: ZodDef } };
};

/**
 * The value with object keys in the order the schema declares them (record keys
 * sorted). A spec read back from PostgreSQL's jsonb comes with its keys
 * reordered; without this the same claim would be written differently and every
 * re-commit would show as a change.
 */
function inSchemaOrder(value: unknown, def: ZodDef | undefined): unknown {
  if (Array.isArray(value)) {
    return value.map(item => inSchemaOrder(item, def?.element?._zod.def));
  }
  if (value === null || typeof value !== 'object') return value;
  if (def?.type === 'optional' || def?.type === 'nullable') {
    return inSchemaOrder(value, def.innerType?._zod.def);
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const declared = def?.type === 'object' ? Object.keys(def.shape ?? {}) : [];
  const rank = (key: string) => {
    const index = declared.indexOf(key);
    return index < 0 ? declared.length : index;
  };
  // Code-point order for the rest, so the file does not depend on a locale.
  entries.sort(
    ([a], [b]) => rank(a) - rank(b) || Number(a > b) - Number(a < b),
  );
  return Object.fromEntries(
    entries.map(([key, item]) => [
      key,
      inSchemaOrder(
        item,
        def?.type === 'object'
          ? def.shape?.[key]?._zod.def
          : def?.valueType?._zod.def,
      ),
    ]),
  );
}

/**
 * The ServiceClaim of a database, in the tenant's namespace, with the labels the
 * operator and the catalog select on.
 * @public
 */
export function claimManifest(
  record: ClaimManifestInput,
): ServiceClaimManifest {
  const namespace = tenantNamespace(record.tenant);
  return {
    apiVersion: `${SERVICE_CLAIM_API.group}/${SERVICE_CLAIM_API.version}`,
    kind: SERVICE_CLAIM_API.kind,
    metadata: {
      name: record.name,
      namespace,
      labels: {
        ...(record.id ? { [DBAAS_LABELS.serviceId]: record.id } : {}),
        [DBAAS_LABELS.serviceName]: record.name,
        // Label values cannot hold a group reference's ':' and '/'; the
        // namespace's slug is the tenant's name as clusters know it.
        [DBAAS_LABELS.tenant]: namespace.slice('tenant-'.length),
        [DBAAS_LABELS.engine]: record.spec.engine,
        'app.kubernetes.io/managed-by': 'dbaas-portal',
      },
      annotations: {
        ...(record.organization
          ? { [CLAIM_ANNOTATIONS.organization]: record.organization }
          : {}),
        ...(record.generation !== undefined
          ? { [CLAIM_ANNOTATIONS.generation]: String(record.generation) }
          : {}),
        ...(record.backupRequest
          ? { [CLAIM_ANNOTATIONS.backupRequest]: record.backupRequest }
          : {}),
        ...(record.primaryBackup
          ? { [CLAIM_ANNOTATIONS.primaryBackup]: record.primaryBackup }
          : {}),
      },
    },
    spec: inSchemaOrder(
      record.spec,
      serviceClaimSpecShape._zod.def as ZodDef,
    ) as ServiceClaimSpec,
  };
}

/** The claim as the file the GitOps repository holds. @public */
export function claimManifestYaml(record: ClaimManifestInput): string {
  return (
    HEADER + yaml.dump(claimManifest(record), { lineWidth: 100, noRefs: true })
  );
}
