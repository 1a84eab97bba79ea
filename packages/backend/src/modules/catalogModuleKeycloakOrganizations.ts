import { createBackendModule } from '@backstage/backend-plugin-api';
import { keycloakTransformerExtensionPoint } from '@backstage-community/plugin-catalog-backend-module-keycloak';
import { keycloakGroupTransformer } from './keycloakGroupTransformer';

/**
 * Organizations and tenants from the Keycloak realm: gives the community
 * Keycloak module (`catalog.providers.keycloakOrg`) the group transformer that
 * marks organizations and teams (see keycloakGroupTransformer). Does nothing
 * without that config.
 */
export const catalogModuleKeycloakOrganizations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'keycloak-organizations',
  register(reg) {
    reg.registerInit({
      deps: { keycloak: keycloakTransformerExtensionPoint },
      async init({ keycloak }) {
        keycloak.setGroupTransformer(keycloakGroupTransformer);
      },
    });
  },
});
