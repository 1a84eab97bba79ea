import { InputError } from '@backstage/errors';
import {
  claimSpecForRequest,
  createServiceRequestSchema,
  formatZodError,
  type CreateServiceRequest,
  type SkuCatalog,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';

/**
 * Validates a create request the way the DBaaS API will: the request's shape,
 * then the spec it resolves to with the API's own claimSpecForRequest. Doing it
 * before anything is published lets a template fail with the field's name
 * instead of a half-done task. Throws an InputError naming each offending
 * request field.
 */
export function parseClaimRequest(
  catalog: SkuCatalog,
  input: unknown,
): { request: CreateServiceRequest; spec: ServiceClaimSpec } {
  const parsed = createServiceRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new InputError(
      `Invalid database request: ${formatZodError(parsed.error)}`,
    );
  }
  const request = parsed.data;
  const result = claimSpecForRequest(catalog, request);
  if (!result.ok) {
    const issues = result.issues.map(({ path, message }) => {
      const field = path.join('.');
      return field ? `${field}: ${message}` : message;
    });
    throw new InputError(`Invalid ${result.subject}: ${issues.join('; ')}`);
  }
  return { request, spec: result.spec };
}
