import { InputError, NotFoundError } from '@backstage/errors';
import {
  serviceNameSchema,
  tenantRefSchema,
  type DbaasApi,
  type DbaasRequestOptions,
  type ServiceDetails,
} from '@internal/backstage-plugin-dbaas-common';

/**
 * The database a day-2 template is about: by id, or by its tenant and name as
 * a person picks them in a form.
 */
export async function resolveService(
  client: DbaasApi,
  target: { serviceId?: string; tenant?: string; name?: string },
  options: DbaasRequestOptions,
): Promise<ServiceDetails> {
  if (target.serviceId) {
    return client.getService(target.serviceId, options);
  }
  const tenant = tenantRefSchema.safeParse(target.tenant);
  const name = serviceNameSchema.safeParse(target.name);
  if (!tenant.success || !name.success) {
    throw new InputError(
      'Name the database with serviceId, or with tenant (a group reference) and name',
    );
  }
  const found = await client.findService(tenant.data, name.data, options);
  if (!found) {
    throw new NotFoundError(
      `${tenant.data} has no database ${name.data} that you may see`,
    );
  }
  return client.getService(found.id, options);
}
