import {
  DBAAS_ORGANIZATION_RESOURCE_TYPE,
  DBAAS_SERVICE_RESOURCE_TYPE,
  type DbaasRole,
} from '@internal/backstage-plugin-dbaas-common';
import { createPermissionResourceRef } from '@backstage/plugin-permission-node';

/** A role granted on an organization or one of its tenants. */
export type Grant = { scope: string; principal: string; role: DbaasRole };

/**
 * What a permission decision about a database or an organization looks at: where
 * it sits, and the roles granted there. For an organization, `tenants` lists all
 * its tenants; for a database (or one about to be created), its own tenant.
 */
export type AccessResource = {
  organization: string;
  tenants: string[];
  grants: Grant[];
};

/**
 * A condition in query form: "one of these principals holds one of these roles
 * where the row sits". The stores turn it into SQL.
 */
export type AccessQuery = { principals: string[]; roles: DbaasRole[] };

/** Databases, by id. */
export const dbaasServiceResourceRef = createPermissionResourceRef<
  AccessResource,
  AccessQuery
>().with({ pluginId: 'dbaas', resourceType: DBAAS_SERVICE_RESOURCE_TYPE });

/** Organizations, by group ref. */
export const dbaasOrganizationResourceRef = createPermissionResourceRef<
  AccessResource,
  AccessQuery
>().with({ pluginId: 'dbaas', resourceType: DBAAS_ORGANIZATION_RESOURCE_TYPE });
