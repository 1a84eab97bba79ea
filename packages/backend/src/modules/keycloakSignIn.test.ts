import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  describeWithServices,
  keycloakAuthConfig,
  portalCatalogConfig,
  signInThroughKeycloak,
} from '@internal/test-services';
import yaml from 'js-yaml';
import fs from 'node:fs';
import path from 'node:path';
import { authModuleKeycloakProvider } from './authModuleKeycloakProvider';

jest.setTimeout(120_000);

// app-config.yaml's organization sources; the first is catalog/all.yaml.
const catalogConfig = portalCatalogConfig();
const ORG_ORIGIN = `file:${catalogConfig.locations[0].target}`;

// The catalog users the portal ships, with the origin the catalog gives
// them; Keycloak's realm mirrors them.
const shipped = yaml.loadAll(
  fs.readFileSync(
    path.resolve(__dirname, '../../../../catalog/org.yaml'),
    'utf8',
  ),
) as Entity[];
const orgEntities = shipped.map(entity => ({
  ...entity,
  metadata: {
    ...entity.metadata,
    annotations: {
      ...entity.metadata.annotations,
      'backstage.io/managed-by-origin-location': ORG_ORIGIN,
    },
  },
}));

// A user registered from elsewhere with ada's Keycloak id, as a platform
// admin: it must neither sign ada in nor make her match ambiguous.
const ada = shipped.find(entity => entity.metadata.name === 'ada')!;
const impostor: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: {
    name: 'impostor',
    annotations: {
      'keycloak.org/id': ada.metadata.annotations!['keycloak.org/id'],
      'backstage.io/managed-by-origin-location':
        'url:https://attacker.example/impostor.yaml',
    },
  },
  spec: { memberOf: ['platform'] },
};

describeWithServices(['keycloak'], 'Keycloak sign-in', env => {
  it('signs a Keycloak user in as the catalog user of the organization with their Keycloak id, not as a forged duplicate', async () => {
    // The callback the realm's client allows; the test backend listens on another
    // port and the test carries the code to it, as a browser would.
    const baseUrl = 'http://localhost:7007';
    const { server } = await startTestBackend({
      features: [
        authPlugin,
        authModuleKeycloakProvider,
        catalogServiceMock.factory({ entities: [...orgEntities, impostor] }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            catalog: catalogConfig,
            // Only the immutable-id resolver, so a match proves it.
            auth: keycloakAuthConfig(env, 'test-session-secret'),
          },
        }),
      ],
    });
    const backend = `http://127.0.0.1:${server.port()}`;
    // The portal sends the browser to Keycloak; the user fills its login
    // form in; Keycloak sends the browser back to the portal's callback with
    // a code, which the portal exchanges; the frontend's session refresh
    // returns the Backstage identity.
    const { authorizeUrl, callback, session } = await signInThroughKeycloak({
      backend,
      username: 'ada',
      password: env.DBAAS_KEYCLOAK_USER_PASSWORD,
    });
    expect(authorizeUrl.startsWith(env.DBAAS_KEYCLOAK_URL)).toBe(true);
    expect(`${callback.origin}${callback.pathname}`).toBe(
      `${baseUrl}/api/auth/oidc/handler/frame`,
    );
    expect(callback.searchParams.get('code')).toBeTruthy();
    // Group ownership comes from relations the real catalog computes; the
    // in-memory catalog here holds the raw entities, so only the user is asserted.
    expect(session.backstageIdentity.identity).toMatchObject({
      type: 'user',
      userEntityRef: 'user:default/ada',
    });
    expect(session.profile.email).toBe('ada@dbaas.example.com');
  });
});
