import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  MAX_SERVICES_PAGE_SIZE,
  serviceNameSchema,
  tenantRefSchema,
  type DbaasApi,
  type DbaasRequestOptions,
  type ServiceDetails,
  type ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';
import { databaseEntityRef } from '../claim/databaseEntityRef';

/**
 * The database whose catalog entity `entityRef` is, among those the user may
 * see. The entity's name ends with `.{database}` (serviceEntityName), but its
 * tenant part may be cut and hashed, so the databases of that name are
 * listed and the one whose entity it is picked: the same naming the catalog
 * module uses, without asking the catalog.
 */
async function findByEntityRef(
  client: DbaasApi,
  entityRef: string,
  options: DbaasRequestOptions,
): Promise<ServiceSummary> {
  let wanted: string;
  try {
    wanted = stringifyEntityRef(
      parseEntityRef(entityRef, { defaultKind: 'resource' }),
    ).toLowerCase();
  } catch {
    throw new InputError(`${entityRef} is not a catalog entity reference`);
  }
  const name = serviceNameSchema.safeParse(
    wanted.slice(wanted.lastIndexOf('.') + 1),
  );
  if (!wanted.startsWith('resource:') || !name.success) {
    throw new InputError(
      `${entityRef} is not a database\u2019s catalog entity, such as resource:default/payments.orders`,
    );
  }
  for (let page = 1; ; page++) {
    const { data, pagination } = await client.listServices(
      { q: name.data, limit: MAX_SERVICES_PAGE_SIZE, page },
      options,
    );
    const found = data.find(
      service =>
        databaseEntityRef(service.tenant, service.name).toLowerCase() ===
        wanted,
    );
    if (found) return found;
    if (data.length === 0 || page * pagination.limit >= pagination.total) {
      throw new NotFoundError(
        `There is no database ${entityRef} that you may see`,
      );
    }
  }
}

/**
 * The database a day-2 template is about: by id, by its catalog entity as an
 * EntityPicker gives it, or by its tenant and name as a person picks them in
 * a form.
 */
export async function resolveService(
  client: DbaasApi,
  target: {
    serviceId?: string;
    entityRef?: string;
    tenant?: string;
    name?: string;
  },
  options: DbaasRequestOptions,
): Promise<ServiceDetails> {
  if (target.serviceId) {
    return client.getService(target.serviceId, options);
  }
  if (target.entityRef) {
    const found = await findByEntityRef(client, target.entityRef, options);
    return client.getService(found.id, options);
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
