import type { KubernetesObject } from '@kubernetes/client-node';
import type { ServiceClaimStatus } from '@internal/backstage-plugin-dbaas-common';
import type { ObjectApi } from '@internal/backstage-plugin-dbaas-node';
import type { CdcDeps } from '../cdc/reconcileCdc';
import type { OwnedResources } from '../controller/OwnedResources';
import type { Logger } from '../logger';
import type { BackupRequestPlan } from '../render/engines/engineRenderer';
import type {
  ClaimObject,
  RenderContext,
  RenderedResource,
} from '../render/types';
import type { ClaimBackupReader } from '../status/claimBackups';
import type { ObjectSource } from '../status/engineStatus';
import type { ClaimApi } from './ClaimApi';
import type { ManagedKind } from './managedKinds';

/** What a reconcile needs; the render and status functions are injectable for tests. */
export type ReconcileDeps = {
  claims: ClaimApi;
  objects: ObjectApi;
  /** The cache pruning reads; without one, nothing is pruned outside deletion. */
  owned?: OwnedResources;
  /** The kinds a deletion looks through for the claim's objects. */
  managedKinds: () => ManagedKind[];
  render: (claim: ClaimObject, ctx: RenderContext) => RenderedResource[];
  /** The engine's on-demand backup for a claim being deleted, if it has one. */
  renderFinalBackup?: (
    claim: ClaimObject,
    ctx: RenderContext,
  ) => RenderedResource | undefined;
  /** The claim's status from what was observed, and what it said `before`. */
  statusFrom: (
    claim: ClaimObject,
    observed: KubernetesObject[],
    now: Date,
    before?: ServiceClaimStatus,
  ) => ServiceClaimStatus;
  /**
   * Objects the engine's operator makes that `statusFrom` reads beside the
   * applied ones; without it, none are read.
   */
  related?: (claim: ClaimObject) => ObjectSource[];
  /** The PoP's Kafka Connect and Kafka for CDC pipelines; without them none run. */
  cdc?: CdcDeps;
  /** The claim's backups for `status.backups`; without it none are reported. */
  backups?: ClaimBackupReader;
  /** What to do about the manual backup the claim's annotation requests. */
  renderBackupRequest?: (
    claim: ClaimObject,
    ctx: RenderContext,
    backupId: string,
  ) => BackupRequestPlan;
  context: RenderContext;
  logger: Logger;
  now?: () => Date;
  /** Claims (by uid) whose credentials Secret this process made or found. */
  credentialsCreated?: Set<string>;
  /** How often a deletion looks again at a final backup in progress; default 15 s. */
  finalBackupPollMs?: number;
  /** How often a deletion looks again at resources still going; default 5 s. */
  deletionPollMs?: number;
  /**
   * How often a claim whose status reads related objects (which nothing
   * watches) is looked at again while it is Provisioning or degraded; default 30 s.
   */
  relatedPollMs?: number;
};
