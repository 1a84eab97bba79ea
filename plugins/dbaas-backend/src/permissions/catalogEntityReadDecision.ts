import {
  AuthorizeResult,
  isResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  catalogEntityReadPermission,
  RESOURCE_TYPE_CATALOG_ENTITY,
} from '@backstage/plugin-catalog-common/alpha';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  DBAAS_ANNOTATIONS,
  DBAAS_ENTITY_TYPE,
} from '@internal/backstage-plugin-dbaas-common';
import type { PluginDecisions } from './PluginDecision';
import type { ReadableTenants } from './readableTenants';

/**
 * `catalog.entity.read`: every entity except the databases, and their CDC
 * topics, of tenants the user may not read. A database is a Resource of type
 * `database` owned by its tenant's group, a topic an API with the
 * `dbaas.io/cdc-topic` annotation owned by the same group
 * (catalog-backend-module-dbaas); without this a user would find every
 * tenant's databases in the catalog (and in search, and in the Kubernetes
 * tab) while the DBaaS API answers 404 for them, and their tables' names in
 * their topics.
 *
 * Who may read a tenant's databases is the DBaaS roles' answer, as for
 * `dbaas.service.read`: the tenant's team and whoever holds a role on the
 * tenant or its organization. The grants live in the DBaaS plugin's database,
 * which the permission plugin cannot read, so `readableTenants` asks the DBaaS
 * plugin (DbaasReadableTenantsClient, cached briefly). When it cannot answer,
 * a user still sees the databases of their own groups and no others.
 *
 * A conditional decision, so the catalog filters lists and counts in SQL and
 * answers 404 for a single hidden entity. Platform admins and plugins calling
 * with their own credentials (the DBaaS entity provider, the search
 * collator) read everything.
 */
export function catalogEntityReadDecisions(options: {
  readableTenants: ReadableTenants;
}): PluginDecisions {
  return {
    [catalogEntityReadPermission.name]: async ({
      request,
      user,
      principals,
      isPlatformAdmin,
    }) => {
      if (!user || isPlatformAdmin) {
        return { result: AuthorizeResult.ALLOW };
      }
      if (
        !isResourcePermission(request.permission, RESOURCE_TYPE_CATALOG_ENTITY)
      ) {
        return { result: AuthorizeResult.DENY };
      }
      const own = [...new Set(principals)];
      const tenants = await options.readableTenants(own);
      return createCatalogConditionalDecision(request.permission, {
        anyOf: [
          {
            not: {
              anyOf: [
                {
                  allOf: [
                    catalogConditions.isEntityKind({ kinds: ['Resource'] }),
                    catalogConditions.hasSpec({
                      key: 'type',
                      value: DBAAS_ENTITY_TYPE,
                    }),
                  ],
                },
                {
                  allOf: [
                    catalogConditions.isEntityKind({ kinds: ['API'] }),
                    catalogConditions.hasAnnotation({
                      annotation: DBAAS_ANNOTATIONS.cdcTopic,
                    }),
                  ],
                },
              ],
            },
          },
          catalogConditions.isEntityOwner({
            claims: [...new Set([...own, ...tenants])],
          }),
        ],
      });
    },
  };
}
