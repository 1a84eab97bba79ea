import { InputError } from '@backstage/errors';
import {
  applyServiceConfig,
  configFieldOfSpecPath,
  createServiceRequestSchema,
  formatZodError,
  serviceClaimSpecSchema,
  specFromSku,
  type CreateServiceRequest,
  type ServiceCatalog,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';

/**
 * Validates a create request the way the DBaaS API will: the request's shape,
 * then the SKU's default spec with the request's config on top, checked with
 * every engine and plan rule. Doing it before anything is published lets a
 * template fail with the field's name instead of a half-done task. Throws an
 * InputError naming each offending request field.
 */
export function claimSpecForRequest(
  catalog: ServiceCatalog,
  input: unknown,
): { request: CreateServiceRequest; spec: ServiceClaimSpec } {
  const parsed = createServiceRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new InputError(
      `Invalid database request: ${formatZodError(parsed.error)}`,
    );
  }
  const request = parsed.data;
  const { engine, plan, region } = request;
  const sku = request.sku
    ? catalog.skus.find(s => s.id === request.sku)
    : catalog.skus.find(
        s =>
          s.engine === engine && s.plan === plan && s.regions.includes(region),
      );
  if (!sku) {
    throw new InputError(
      request.sku
        ? `Invalid database request: sku: there is no SKU "${request.sku}"`
        : `Invalid database request: region: no ${plan} ${engine} SKU is offered in ${region}`,
    );
  }
  if (sku.engine !== engine || sku.plan !== plan) {
    throw new InputError(
      `Invalid database request: sku: ${sku.id} is a ${sku.plan} ${sku.engine} SKU, not ${plan} ${engine}`,
    );
  }
  const merged = applyServiceConfig(
    specFromSku(catalog, sku.id, region),
    request.config ?? {},
  );
  const checked = serviceClaimSpecSchema.safeParse(merged);
  if (!checked.success) {
    const issues = checked.error.issues.map(issue => {
      const field = configFieldOfSpecPath(issue.path.map(String).join('.'));
      return field ? `${field}: ${issue.message}` : issue.message;
    });
    throw new InputError(`Invalid database config: ${issues.join('; ')}`);
  }
  return { request, spec: checked.data };
}
