import type { ServiceClaimSpec } from '@internal/backstage-plugin-dbaas-common';

/** A ServiceClaim as read from the cluster. */
export type ClaimObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    generation: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec: ServiceClaimSpec;
};

/** The owner reference every rendered resource carries back to its claim. */
export type OwnerReference = {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: true;
  blockOwnerDeletion: true;
};

/**
 * One object to server-side apply. Custom resources carry `spec`; ConfigMaps and
 * Secrets carry `data` (and `type` for a Secret).
 */
export type RenderedResource = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences: OwnerReference[];
  };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  type?: string;
  /**
   * Another object of the same rendering (kind and name) that must have a
   * status before this one is applied: its operator has seen it. Not part of
   * the object written. Percona's restore controller, for one, puts a restore
   * in error for good when it cannot yet read the cluster it restores into.
   */
  awaits?: { kind: string; name: string };
};

/** What the operator knows about the PoP it runs in. */
export type RenderContext = {
  /** The region (PoP) this operator runs in, e.g. `frankfurt`. */
  pop: string;
  /**
   * Namespaces whose pods may reach every database: monitoring, the engine
   * operators, dbaas-system.
   */
  platformNamespaces: string[];
  /**
   * Object storage root for claims that name no backup destination, e.g.
   * `s3://dbaas-backups-frankfurt`; each claim gets `<root>/<namespace>/<name>`.
   * Without it such claims render no backup resources.
   */
  backupDestinationDefault?: string;
  /**
   * StorageClass for engines whose CRD requires one by name (Aerospike) when the
   * claim names none. Defaults to `standard`.
   */
  storageClass?: string;
  /**
   * StorageClass of ScyllaDB members when the claim names none: it must
   * provision XFS volumes (the Scylla operator's docs use local NVMe through
   * the ScyllaDB Local CSI Driver). Defaults to `scylladb-local-xfs`, the class
   * that driver's manifests install.
   */
  scyllaStorageClass?: string;
  /**
   * The cert-manager ClusterIssuer that signs the server certificates of claims
   * asking for TLS on engines that serve a Secret's certificate (render/tls.ts).
   * Without it such claims must name their own Secret.
   */
  tlsIssuer?: string;
  /**
   * The pod CIDRs of each PoP, by PoP: where the members of a multi-region
   * claim in other PoPs connect from, admitted on the engine's peer ports
   * (render/networkPolicy.ts). Without a PoP's CIDRs its members are dropped.
   */
  popPodCidrs?: Record<string, string[]>;
};
