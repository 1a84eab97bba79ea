import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import authPlugin from '@backstage/plugin-auth-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  describeWithServices,
  portalCatalogConfig,
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

/** Cookies per origin, as a browser would keep them across redirects. */
class CookieJar {
  private readonly cookies = new Map<string, Map<string, string>>();

  store(url: string, response: Response) {
    const origin = new URL(url).host;
    const jar = this.cookies.get(origin) ?? new Map();
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const index = pair.indexOf('=');
      jar.set(pair.slice(0, index).trim(), pair.slice(index + 1));
    }
    this.cookies.set(origin, jar);
  }

  header(url: string): string {
    const jar = this.cookies.get(new URL(url).host) ?? new Map();
    return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function request(jar: CookieJar, url: string, init: RequestInit = {}) {
  const response = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as object), cookie: jar.header(url) },
  });
  jar.store(url, response);
  return response;
}

function decodeHtml(text: string) {
  return text
    .replace(/&amp;/g, '&')
    .replace(/&#x2F;/g, '/')
    .replace(/&quot;/g, '"');
}

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
            auth: {
              session: { secret: 'test-session-secret' },
              providers: {
                oidc: {
                  development: {
                    metadataUrl: env.KEYCLOAK_METADATA_URL,
                    clientId: env.KEYCLOAK_CLIENT_ID,
                    clientSecret: env.KEYCLOAK_CLIENT_SECRET,
                    callbackUrl: `${baseUrl}/api/auth/oidc/handler/frame`,
                    prompt: 'auto',
                    signIn: {
                      // Only the immutable-id resolver, so a match proves it.
                      resolvers: [
                        {
                          resolver:
                            'keycloakSubjectMatchingUserEntityAnnotation',
                        },
                      ],
                    },
                  },
                },
              },
            },
          },
        }),
      ],
    });
    const backend = `http://127.0.0.1:${server.port()}`;
    const jar = new CookieJar();

    // 1. The portal sends the browser to Keycloak.
    const start = await request(
      jar,
      `${backend}/api/auth/oidc/start?env=development&scope=openid%20profile%20email`,
    );
    expect(start.status).toBe(302);
    const authorizeUrl = start.headers.get('location')!;
    expect(authorizeUrl.startsWith(env.DBAAS_KEYCLOAK_URL)).toBe(true);

    // 2. Keycloak's login form, filled in as the user would.
    const loginPage = await request(jar, authorizeUrl);
    const html = await loginPage.text();
    expect(loginPage.status).toBe(200);
    const action = decodeHtml(
      /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/.exec(html)![1],
    );
    const login = await request(jar, action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        username: 'ada',
        password: env.DBAAS_KEYCLOAK_USER_PASSWORD,
        credentialId: '',
      }),
    });
    expect(login.status).toBe(302);
    const callback = new URL(login.headers.get('location')!);
    expect(`${callback.origin}${callback.pathname}`).toBe(
      `${baseUrl}/api/auth/oidc/handler/frame`,
    );
    expect(callback.searchParams.get('code')).toBeTruthy();

    // 3. The browser lands on the portal's callback; the portal exchanges the code.
    const handlerUrl = `${backend}${callback.pathname}${callback.search}`;
    // Cookies the portal set at step 1 were for its baseUrl's host.
    const handler = await fetch(handlerUrl, {
      redirect: 'manual',
      headers: { cookie: jar.header(`${backend}/`) },
    });
    jar.store(`${backend}/`, handler);
    expect(handler.status).toBe(200);

    // 4. The frontend's session refresh returns the Backstage identity.
    const refresh = await request(
      jar,
      `${backend}/api/auth/oidc/refresh?env=development`,
      {
        headers: { 'X-Requested-With': 'XMLHttpRequest' },
      },
    );
    expect(refresh.status).toBe(200);
    const session = await refresh.json();
    // Group ownership comes from relations the real catalog computes; the
    // in-memory catalog here holds the raw entities, so only the user is asserted.
    expect(session.backstageIdentity.identity).toMatchObject({
      type: 'user',
      userEntityRef: 'user:default/ada',
    });
    expect(session.profile.email).toBe('ada@dbaas.example.com');
  });
});
