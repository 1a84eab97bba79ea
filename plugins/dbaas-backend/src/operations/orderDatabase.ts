import { NotAllowedError } from '@backstage/errors';
import {
  claimFilePath,
  claimFootprint,
  createServiceRequestSchema,
  dbaasServiceCreatePermission,
  quotaLeft,
  type ServiceDetails,
  type ServiceOrderPreview,
} from '@internal/backstage-plugin-dbaas-common';
import { priced } from '../cost/priced';
import { invalidInput } from '../errors/invalidInput';
import type { Asker } from '../lifecycle/DatabaseLifecycle';
import { specForCreate } from '../router/claimSpecs';
import { parseInput } from '../router/parse';
import type { Caller } from '../router/requestContext';
import type { RouteContext } from '../router/routes/RouteContext';
import { toDetails } from '../router/serviceViews';
import { tenantQuotaUsage } from './tenantQuotaUsage';

/** What an order came to: the database ordered, or on a dry run what would be. */
export type OrderOutcome =
  | { dryRun: false; database: ServiceDetails }
  | { dryRun: true; preview: ServiceOrderPreview };

/**
 * Orders a database (`POST /v1/services`): the request checked with its
 * schema, its tenant filled in when the caller may create databases in just
 * one, the caller's permission to create databases in the tenant, the spec
 * resolved from the SKU catalog and the rules; then the lifecycle records,
 * audits and commits it as the caller.
 *
 * A dry run goes the same way up to the lifecycle, whose checks it runs
 * without recording, auditing or committing anything, and answers what would
 * be ordered and the quota it would leave. It refuses what the order would
 * refuse, with the same error.
 */
export async function orderDatabase(
  ctx: RouteContext,
  asker: Asker,
  rawBody: unknown,
  options: { dryRun: boolean },
): Promise<OrderOutcome> {
  const { caller } = asker;
  const body = parseInput(
    createServiceRequestSchema,
    await withDefaultTenant(ctx, caller, rawBody),
    'database request',
  );
  const organization = await ctx.directory.organizationOf(body.tenant);
  if (!organization) {
    throw invalidInput('database request', [
      {
        path: ['tenant'],
        message: `${body.tenant} is not a team of any organization in the catalog`,
      },
    ]);
  }
  const place = { organization, tenants: [body.tenant] };
  if (
    !(await ctx.access.canOnService(
      dbaasServiceCreatePermission,
      caller.credentials,
      place,
    ))
  ) {
    throw new NotAllowedError(
      `${caller.actor} may not create databases in ${body.tenant}`,
    );
  }
  const spec = specForCreate(await ctx.skuCatalog.current(), body);
  const order = { tenant: body.tenant, organization, name: body.name, spec };
  if (options.dryRun) {
    await ctx.lifecycle.checkCreate(order);
    const [quota] = await tenantQuotaUsage(ctx, [body.tenant]);
    const footprint = claimFootprint(spec);
    const left = quotaLeft(quota);
    return {
      dryRun: true,
      preview: {
        dryRun: true,
        name: body.name,
        tenant: body.tenant,
        organization,
        config: spec,
        claimPath: claimFilePath(body.tenant, body.name),
        footprint,
        quota,
        quotaLeftAfter: {
          instances: left.instances - footprint.instances,
          storageGi: left.storageGi - footprint.storageGi,
          cpu: left.cpu - footprint.cpu,
          memoryGi: left.memoryGi - footprint.memoryGi,
          backups: left.backups,
        },
        ...priced(ctx.costs.prices, spec),
      },
    };
  }
  const record = await ctx.lifecycle.create(asker, order);
  return {
    dryRun: false,
    database: toDetails(record, await ctx.timeline.list(record.id)),
  };
}

/**
 * The request with its tenant: as sent, or, when it names none, the one
 * tenant the caller may create databases in (the seed requirements' own
 * example names none). Left as it is for the schema to refuse when the
 * caller may create in no tenant or in several; the error names them.
 */
async function withDefaultTenant(
  ctx: RouteContext,
  caller: Caller,
  body: unknown,
): Promise<unknown> {
  if (
    typeof body !== 'object' ||
    body === null ||
    Array.isArray(body) ||
    'tenant' in body
  ) {
    return body;
  }
  const places = (await ctx.directory.listOrganizations()).flatMap(org =>
    org.tenants.map(tenant => ({
      organization: org.id,
      tenants: [tenant.id],
    })),
  );
  const allowed = await ctx.access.canOnServices(
    dbaasServiceCreatePermission,
    caller.credentials,
    places,
  );
  const choices = places
    .filter((_, i) => allowed[i])
    .map(place => place.tenants[0]);
  if (choices.length === 1) return { ...body, tenant: choices[0] };
  const listed =
    choices.length > 10
      ? `${choices.slice(0, 10).join(', ')} and ${choices.length - 10} more`
      : choices.join(', ');
  throw invalidInput('database request', [
    {
      path: ['tenant'],
      message:
        choices.length === 0
          ? 'is required, and you may create databases in no tenant'
          : `is required: you may create databases in ${choices.length} tenants (${listed})`,
    },
  ]);
}
