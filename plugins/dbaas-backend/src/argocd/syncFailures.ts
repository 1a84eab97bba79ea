import { DBAAS_LABELS } from '@internal/backstage-plugin-dbaas-common';
import { POP_CLUSTER_LABEL } from '../gitops/gitopsLayout';

/** One resource of a sync operation's result (Argo CD's ResourceResult). */
type ResourceResult = {
  group?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  /** Synced, SyncFailed, Pruned, PruneSkipped. */
  status?: string;
  message?: string;
};

/** An Argo CD Application, as far as the portal reads it. */
export type ArgoApplication = {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
  };
  status?: {
    operationState?: {
      /** Running, Terminating, Failed, Error, Succeeded. */
      phase?: string;
      message?: string;
      finishedAt?: string;
      syncResult?: { revision?: string; resources?: ResourceResult[] };
    };
    conditions?: { type?: string; message?: string }[];
  };
};

/** What an Application says it could not sync, by the tenant's slug. */
export type SyncFailure = {
  /** The tenant's slug (the Application's `dbaas.io/tenant` label). */
  tenant: string;
  /** The PoP (its `dbaas.io/pop` label). */
  cluster: string;
  message: string;
  /** The databases (claim names) it is about; without, every one not synced yet. */
  claims?: string[];
  /** Claims the failed sync did apply: not concerned. */
  except?: string[];
};

// Argo CD 3.6 (controller/appcontroller.go) appends these to a failed sync's
// message while it waits to retry, and when it gives up; without them the
// message of each attempt is the same and is recorded once.
const RETRY_SUFFIX = /\. Retrying attempt #\d+ at [^ ]+\.$/;
const RETRIED_SUFFIX = / \(retried \d+ times\)\.$/;

// A detail is for people; Argo CD's messages can carry whole manifests.
const MAX_MESSAGE = 2000;

const CLAIM = { group: 'dbaas.io', kind: 'ServiceClaim' };

function shorten(message: string): string {
  const trimmed = message.trim();
  return trimmed.length > MAX_MESSAGE
    ? `${trimmed.slice(0, MAX_MESSAGE - 1)}…`
    : trimmed;
}

/**
 * The failed sync operation's message, or undefined when the last operation
 * did not fail. A sync with retries (the tenants' ApplicationSet retries
 * without limit) never ends Failed: it goes back to Running with its
 * completion time set until the next attempt, and that is a failure too.
 */
function failedOperationMessage(
  op: NonNullable<NonNullable<ArgoApplication['status']>['operationState']>,
): string | undefined {
  const message = op.message ?? '';
  const waitingToRetry =
    op.phase === 'Running' && !!op.finishedAt && RETRY_SUFFIX.test(message);
  if (op.phase !== 'Failed' && op.phase !== 'Error' && !waitingToRetry) {
    return undefined;
  }
  return (
    message.replace(RETRY_SUFFIX, '').replace(RETRIED_SUFFIX, '') ||
    `sync ${op.phase === 'Error' ? 'error' : 'failed'}`
  );
}

const describe = (r: ResourceResult) =>
  `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}: ${r.message}`;

/**
 * What an Argo CD Application of the tenants' ApplicationSet says it could not
 * sync (docs/architecture.md, "A request's path", step 7), for the timelines
 * of the databases concerned:
 *
 * - A failed sync names the claims it could not apply
 *   (`status.operationState.syncResult.resources`, status SyncFailed): each is
 *   a failure of that database, with Argo CD's message for it. Only claims in
 *   the tenant's own namespace count: a claim-shaped file naming another
 *   tenant's namespace is refused by the AppProject, and must not put
 *   anything on that tenant's database.
 * - Whatever else made the sync fail (another kind, another namespace, a
 *   failed namespace creation) holds up the whole Application: a failure of
 *   every database of the tenant that the cluster has not synced yet, but the
 *   claims the sync did apply.
 * - An error condition (SyncError, ComparisonError, InvalidSpecError, ...)
 *   holds up the whole Application too. A SyncError beside a failed sync
 *   repeats it, and is left out.
 *
 * Pure: the caller records the failures, once per database, generation,
 * cluster and message.
 */
export function syncFailuresOf(app: ArgoApplication): SyncFailure[] {
  const labels = app.metadata?.labels ?? {};
  const tenant = labels[DBAAS_LABELS.tenant];
  const cluster = labels[POP_CLUSTER_LABEL];
  if (!tenant || !cluster) return [];
  const namespace = `tenant-${tenant}`;
  const failures: SyncFailure[] = [];
  const op = app.status?.operationState;
  const opMessage = op && failedOperationMessage(op);
  if (op && opMessage) {
    const results = op.syncResult?.resources ?? [];
    const isOwnClaim = (r: ResourceResult) =>
      r.group === CLAIM.group &&
      r.kind === CLAIM.kind &&
      r.namespace === namespace &&
      !!r.name;
    const failed = results.filter(r => r.status === 'SyncFailed');
    const claimFailures = failed.filter(isOwnClaim);
    for (const r of claimFailures) {
      failures.push({
        tenant,
        cluster,
        message: shorten(r.message || opMessage),
        claims: [r.name!],
      });
    }
    const others = failed.filter(r => !isOwnClaim(r));
    if (others.length > 0 || claimFailures.length === 0) {
      const shown = others.slice(0, 3).map(describe);
      const more = others.length - shown.length;
      failures.push({
        tenant,
        cluster,
        message: shorten(
          shown.length > 0
            ? `${opMessage} (${shown.join('; ')}${
                more > 0 ? `; and ${more} more` : ''
              })`
            : opMessage,
        ),
        except: results.filter(isOwnClaim).map(r => r.name!),
      });
    }
  }
  for (const condition of app.status?.conditions ?? []) {
    const type = condition.type ?? '';
    if (!type.endsWith('Error') || !condition.message) continue;
    if (type === 'SyncError' && opMessage) continue;
    failures.push({
      tenant,
      cluster,
      message: shorten(`${type}: ${condition.message}`),
    });
  }
  return failures;
}
