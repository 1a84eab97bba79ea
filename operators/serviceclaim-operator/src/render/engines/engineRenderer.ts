import type { EngineExporterSeries } from '@internal/backstage-plugin-dbaas-common';
import type { ClaimObject, RenderContext, RenderedResource } from '../types';

/**
 * Where an engine's exporter is scraped and which of its series the portal's
 * metrics contract (plugins/dbaas-common/src/metrics/metricQueries.ts) reads.
 */
export type EngineMetrics = {
  /** Pods to scrape, by the labels their operator (or the renderer) puts on them. */
  selector: (claim: ClaimObject) => Record<string, string>;
  port: number;
  path: string;
  /** Basic auth for endpoints that want it, by Secret name and keys. */
  basicAuth?: (claim: ClaimObject) => {
    secret: string;
    usernameKey: string;
    passwordKey: string;
  };
  /** The native series the PodMonitor renames (ENGINE_EXPORTER_SERIES of the engine). */
  series: EngineExporterSeries;
};

/**
 * What this PoP does about a manual backup the portal requested: create the
 * engine's on-demand backup object, report that it cannot (and why), or leave
 * it to the PoP running the claim's primary.
 */
export type BackupRequestPlan =
  | { kind: 'create'; resource: RenderedResource }
  /** The engine resource the claim renders carries the request itself. */
  | { kind: 'rendered' }
  | { kind: 'unavailable'; reason: string }
  | { kind: 'elsewhere' };

/** What renderClaim needs from each engine besides its own resources. */
export type EngineRenderer = {
  /**
   * The engine operator's resources for this PoP's share of the claim; empty
   * when the engine runs nothing here (see docs/engines.md for global plans).
   */
  render(claim: ClaimObject, ctx: RenderContext): RenderedResource[];
  /**
   * Whether the claim has pods in this PoP; when not, the PoP renders nothing
   * for it. Defaults to every region of the claim.
   */
  runsHere?(claim: ClaimObject, ctx: RenderContext): boolean;
  /**
   * An on-demand backup to take before the claim's resources are deleted, for
   * engines with a resource for one whose completion the operator can read.
   */
  finalBackup?(
    claim: ClaimObject,
    ctx: RenderContext,
  ): RenderedResource | undefined;
  /**
   * The on-demand backup object for the portal's backup `backupId`, in the
   * claim's primary PoP with backups on; engines without one leave it out.
   */
  backupRequest?(
    claim: ClaimObject,
    ctx: RenderContext,
    backupId: string,
  ): BackupRequestPlan;
  /** Labels on every pod of the claim's cluster, for the NetworkPolicy. */
  podSelector(claim: ClaimObject): Record<string, string>;
  /**
   * The pods clients connect to, when only some of the cluster's pods serve
   * them; the others' client ports stay closed to allowedCIDRs. Defaults to
   * every pod of the cluster (podSelector).
   */
  clientPodSelector?(claim: ClaimObject): Record<string, string>;
  /** Ports clients connect to: the only ones open to allowedCIDRs. */
  clientPorts: number[];
  /**
   * Ports the claim's members in other PoPs connect to (replication, gossip,
   * XDR), opened to those PoPs' pod CIDRs; none where no engine traffic
   * crosses PoPs (each region runs alone, or follows an object store).
   */
  peerPorts?: number[];
  metrics: EngineMetrics;
};
