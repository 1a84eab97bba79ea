import {
  serviceStatusOf,
  type EngineId,
  type PlatformOverview,
  type PopHoldings,
  type TroubledDatabase,
} from '@internal/backstage-plugin-dbaas-common';
import type { RouteContext } from '../router/routes/RouteContext';
import { tenantQuotaUsage } from './tenantQuotaUsage';

/**
 * A Pending, Provisioning or Deleting database with no change recorded for
 * this long is stuck: a commit, a sync or a report usually follows within a
 * few minutes (the GitOps publisher retries, Argo CD syncs within 3).
 */
export const STUCK_AFTER_MINUTES = 15;

/** Failed and stuck databases listed at most; the answer says how many there are. */
export const TROUBLED_LIMIT = 200;

/**
 * The platform screen's answer: every organization with its tenants' usage
 * against quota, the PoPs with the databases they hold, and the failed and
 * stuck databases across tenants. Decides nothing about who may see it.
 */
export async function platformOverview(
  ctx: Pick<
    RouteContext,
    'directory' | 'services' | 'backups' | 'limits' | 'skuCatalog' | 'timeline'
  >,
  now: Date,
): Promise<PlatformOverview> {
  const stuckBefore = new Date(now.getTime() - STUCK_AFTER_MINUTES * 60_000);
  const [organizations, regions, holdings, troubled] = await Promise.all([
    ctx.directory.listOrganizations(),
    ctx.skuCatalog.regions(),
    ctx.services.countLiveByRegion(),
    ctx.services.listTroubled({ stuckBefore, limit: TROUBLED_LIMIT }),
  ]);
  const tenants = organizations.flatMap(org => org.tenants.map(t => t.id));
  const [usage, lastSteps] = await Promise.all([
    tenantQuotaUsage(ctx, tenants),
    ctx.timeline.latestOf(troubled.records.map(r => r.id)),
  ]);

  let next = 0;
  const withQuotas = organizations.map(org => {
    const quotas = usage.slice(next, next + org.tenants.length);
    next += org.tenants.length;
    return { ...org, quotas };
  });

  // Every PoP of the directory, and any region databases still hold that it
  // no longer lists (a PoP taken out with databases in it).
  const pops = new Map<string, PopHoldings>(
    regions.map(pop => [
      pop.id,
      {
        id: pop.id,
        displayName: pop.displayName,
        databases: 0,
        byEngine: {},
        byPhase: {},
      },
    ]),
  );
  for (const held of holdings) {
    let pop = pops.get(held.region);
    if (!pop) {
      pop = {
        id: held.region,
        displayName: held.region,
        databases: 0,
        byEngine: {},
        byPhase: {},
      };
      pops.set(held.region, pop);
    }
    const engine = held.engine as EngineId;
    const phase = serviceStatusOf(held.status);
    pop.databases += held.count;
    pop.byEngine[engine] = (pop.byEngine[engine] ?? 0) + held.count;
    pop.byPhase[phase] = (pop.byPhase[phase] ?? 0) + held.count;
  }

  return {
    organizations: withQuotas,
    ceiling: ctx.limits.quotaCeiling(),
    pops: [...pops.values()],
    troubled: troubled.records.map((record): TroubledDatabase => {
      const lastStep = lastSteps.get(record.id);
      return {
        id: record.id,
        name: record.name,
        tenant: record.tenant,
        organization: record.organization,
        engine: record.spec.engine,
        region: record.spec.region,
        status: serviceStatusOf(record.status),
        problem: record.status === 'Failed' ? 'failed' : 'stuck',
        createdAt: record.createdAt,
        since: record.updatedAt,
        ...(lastStep ? { lastStep } : {}),
      };
    }),
    troubledTotal: troubled.total,
    stuckAfterMinutes: STUCK_AFTER_MINUTES,
  };
}
