import {
  applyServiceConfig,
  configFieldOfSpecPath,
} from '../api/serviceConfig';
import type { CreateServiceRequest } from '../api/serviceRequests';
import type { SkuCatalog } from '../catalog/schema';
import type { ServiceClaimSpec } from './serviceClaimSpec';
import { serviceClaimSpecSchema } from './serviceClaimSpecSchema';
import { specFromSku } from './specFromSku';

/**
 * A rule a request breaks: the request field it was set through, as a path
 * (`['config', 'storageSize']`), and what it must be.
 * @public
 */
export type RequestIssue = { path: string[]; message: string };

/**
 * The spec a request resolves to, or why it resolves to none: the issues and
 * what they are about (`database request`, `database config`, `change`), for
 * the caller to turn into its own error (an API answer, a failed action).
 * @public
 */
export type ClaimSpecResult =
  | { ok: true; spec: ServiceClaimSpec }
  | { ok: false; subject: string; issues: RequestIssue[] };

/**
 * Checks a whole spec with every claim rule and reports each broken rule
 * against the request field the caller set it through. `regions` are the PoPs
 * it may run in (where its SKU is offered, from the live PoP list): region ids
 * are only well formed to the schema, as the PoPs are data.
 */
export function checkedSpec(
  spec: ServiceClaimSpec,
  subject: string,
  regions: readonly string[],
  fieldOf: (specPath: string) => string = configFieldOfSpecPath,
): ClaimSpecResult {
  const result = serviceClaimSpecSchema.safeParse(spec);
  const issues: RequestIssue[] = result.success
    ? []
    : result.error.issues.map(issue => ({
        path: fieldOf(issue.path.map(String).join('.')).split('.'),
        message: issue.message,
      }));
  const offered = new Set(regions);
  const choices = regions.length > 0 ? regions.join(', ') : 'none';
  (spec.replication?.regions ?? []).forEach((region, index) => {
    if (typeof region === 'string' && !offered.has(region)) {
      issues.push({
        path: fieldOf(`replication.regions.${index}`).split('.'),
        message: `${region} is not a region this database can run in (${choices})`,
      });
    }
  });
  if (issues.length === 0 && result.success) {
    return { ok: true, spec: result.data };
  }
  return { ok: false, subject, issues };
}

/**
 * The spec of a new database, as the DBaaS API resolves a create request: the
 * SKU's defaults (the named SKU, or the first of the engine and plan stocked in
 * the region) with the request's config on top, checked with every rule. The
 * scaffolder resolves a request with it too, so a template fails on exactly
 * what the API would refuse. The request must already match
 * `createServiceRequestSchema`.
 * @public
 */
export function claimSpecForRequest(
  catalog: SkuCatalog,
  request: CreateServiceRequest,
): ClaimSpecResult {
  const { engine, plan, region } = request;
  const refused = (path: string, message: string): ClaimSpecResult => ({
    ok: false,
    subject: 'database request',
    issues: [{ path: [path], message }],
  });
  const sku = request.sku
    ? catalog.skus.find(s => s.id === request.sku)
    : catalog.skus.find(
        s =>
          s.engine === engine && s.plan === plan && s.regions.includes(region),
      );
  if (!sku) {
    return request.sku
      ? refused('sku', `There is no SKU "${request.sku}"`)
      : refused('region', `No ${plan} ${engine} SKU is offered in ${region}`);
  }
  if (sku.engine !== engine || sku.plan !== plan) {
    return refused(
      'sku',
      `${sku.id} is a ${sku.plan} ${sku.engine} SKU, not ${plan} ${engine}`,
    );
  }
  const base = specFromSku(catalog, sku.id, region);
  return checkedSpec(
    applyServiceConfig(base, request.config ?? {}),
    'database config',
    sku.regions,
  );
}
