import { createBackend } from '@backstage/backend-defaults';
import {
  kubernetesModuleDbaasPops,
  permissionModuleDbaasPolicy,
} from '@internal/backstage-plugin-dbaas-backend';
import { authModuleKeycloakProvider } from './modules/authModuleKeycloakProvider';
import { catalogModuleKeycloakOrganizations } from './modules/catalogModuleKeycloakOrganizations';
import { databaseServiceFactory } from './modules/databaseServiceFactory';

const backend = createBackend();

// Replicas starting together on one PostgreSQL migrate one after the other.
backend.add(databaseServiceFactory);

backend.add(import('@backstage/plugin-app-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// Sign-in: guest for the embedded defaults, Keycloak (OIDC) in production.
backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(authModuleKeycloakProvider);

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
// Every DBaaS database as a Resource of its tenant, updated on each change.
backend.add(import('@internal/backstage-plugin-catalog-backend-module-dbaas'));
// Users, groups, organizations and tenants from the Keycloak realm where
// catalog.providers.keycloakOrg is configured (docs/keycloak.md).
backend.add(
  import('@backstage-community/plugin-catalog-backend-module-keycloak'),
);
backend.add(catalogModuleKeycloakOrganizations);

backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
backend.add(
  import('@internal/backstage-plugin-scaffolder-backend-module-dbaas'),
);

backend.add(import('@backstage/plugin-techdocs-backend'));

// DBaaS permissions follow organization roles; other plugins' are allowed.
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionModuleDbaasPolicy);

// Search uses PostgreSQL's full-text search in production and an in-memory
// index on SQLite.
backend.add(import('@backstage/plugin-search-backend'));
backend.add(import('@backstage/plugin-search-backend-module-pg'));
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// Events carry catalog and signal updates between backend replicas.
backend.add(import('@backstage/plugin-events-backend'));

backend.add(import('@backstage/plugin-kubernetes-backend'));
// Its clusters are the PoPs' (catalog entities), not a list in config.
backend.add(kubernetesModuleDbaasPops);
backend.add(import('@backstage/plugin-user-settings-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-mcp-actions-backend'));

backend.add(import('@internal/backstage-plugin-dbaas-backend'));

backend.start();
