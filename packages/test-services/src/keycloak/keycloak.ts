/**
 * The Keycloak of the service stack as tests use it: a browser signing a user
 * in to the portal through it, and an administrator making the realm's
 * clients (`scripts/services/keycloak.sh` exports its URL and passwords).
 */

/** Cookies per origin, as a browser keeps them across redirects. */
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

async function browse(jar: CookieJar, url: string, init: RequestInit = {}) {
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

function expectStatus(what: string, response: Response, status: number) {
  if (response.status !== status) {
    throw new Error(`${what}: answered ${response.status}, not ${status}`);
  }
}

/**
 * The `auth` config of a test backend whose users sign in with the stack's
 * Keycloak (the `oidc` provider of the portal's Keycloak module), matched to
 * catalog users by their immutable Keycloak id only, so that a sign-in proves
 * that resolver. The realm allows the callback at localhost:7007 alone:
 * signInThroughKeycloak carries the code to the test backend's port.
 */
export function keycloakAuthConfig(env: KeycloakEnv, sessionSecret: string) {
  return {
    session: { secret: sessionSecret },
    providers: {
      oidc: {
        development: {
          metadataUrl: need(env, 'KEYCLOAK_METADATA_URL'),
          clientId: need(env, 'KEYCLOAK_CLIENT_ID'),
          clientSecret: need(env, 'KEYCLOAK_CLIENT_SECRET'),
          callbackUrl: 'http://localhost:7007/api/auth/oidc/handler/frame',
          prompt: 'auto',
          signIn: {
            resolvers: [
              { resolver: 'keycloakSubjectMatchingUserEntityAnnotation' },
            ],
          },
        },
      },
    },
  };
}

/** What a sign-in went through, for the test to look at. */
export type KeycloakSignIn = {
  /** Where the portal sent the browser. */
  authorizeUrl: string;
  /** Where Keycloak sent the browser back, with the code. */
  callback: URL;
  /** The portal's session refresh: `backstageIdentity` and `profile`. */
  session: {
    backstageIdentity: {
      token: string;
      identity: { type: string; userEntityRef: string };
    };
    profile: { email?: string };
  };
};

/**
 * Signs a Keycloak user in to a backend with the `oidc` provider as a browser
 * would: the portal's start, Keycloak's login form, the callback (to the URL
 * the realm allows, carried here to `backend`), the session refresh. Throws at
 * the first step that goes otherwise.
 */
export async function signInThroughKeycloak(options: {
  backend: string;
  username: string;
  password: string;
}): Promise<KeycloakSignIn> {
  const { backend } = options;
  const jar = new CookieJar();
  const start = await browse(
    jar,
    `${backend}/api/auth/oidc/start?env=development&scope=openid%20profile%20email`,
  );
  expectStatus("the portal's sign-in start", start, 302);
  const authorizeUrl = start.headers.get('location')!;

  const loginPage = await browse(jar, authorizeUrl);
  expectStatus("Keycloak's login page", loginPage, 200);
  const form = /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/.exec(
    await loginPage.text(),
  );
  if (!form) throw new Error("Keycloak's login page has no login form");
  const login = await browse(jar, decodeHtml(form[1]), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      username: options.username,
      password: options.password,
      credentialId: '',
    }),
  });
  expectStatus(`${options.username}'s login`, login, 302);
  const callback = new URL(login.headers.get('location')!);

  // Cookies the portal set at the start were for the backend's host.
  const handler = await fetch(
    `${backend}${callback.pathname}${callback.search}`,
    { redirect: 'manual', headers: { cookie: jar.header(`${backend}/`) } },
  );
  jar.store(`${backend}/`, handler);
  expectStatus("the portal's callback", handler, 200);

  const refresh = await browse(
    jar,
    `${backend}/api/auth/oidc/refresh?env=development`,
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  expectStatus("the portal's session refresh", refresh, 200);
  return { authorizeUrl, callback, session: await refresh.json() };
}

/**
 * The stack's Keycloak as its env file names it: `DBAAS_KEYCLOAK_URL`,
 * `DBAAS_KEYCLOAK_ADMIN_USER`, `DBAAS_KEYCLOAK_ADMIN_PASSWORD`.
 */
type KeycloakEnv = Record<string, string>;

function need(env: KeycloakEnv, key: string): string {
  const value = env[key];
  if (!value) throw new Error(`${key} is not set: is Keycloak started?`);
  return value;
}

const REALM = 'dbaas';

async function adminToken(env: KeycloakEnv): Promise<string> {
  const response = await fetch(
    `${need(
      env,
      'DBAAS_KEYCLOAK_URL',
    )}/realms/master/protocol/openid-connect/token`,
    {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'admin-cli',
        username: need(env, 'DBAAS_KEYCLOAK_ADMIN_USER'),
        password: need(env, 'DBAAS_KEYCLOAK_ADMIN_PASSWORD'),
      }),
    },
  );
  expectStatus("Keycloak's admin token", response, 200);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** The realm's admin API as the stack's administrator: a fetch of a path below it. */
async function realmAdmin(env: KeycloakEnv) {
  const token = await adminToken(env);
  return (path: string, init: RequestInit = {}) =>
    fetch(`${need(env, 'DBAAS_KEYCLOAK_URL')}/admin/realms/${REALM}${path}`, {
      ...init,
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/json',
      },
    });
}

/** A user of the realm, made by a test. */
export type RealmUser = { id: string; username: string };

/**
 * Makes an enabled user of the `dbaas` realm with the stack's users' password
 * (`DBAAS_KEYCLOAK_USER_PASSWORD`), in no group, as a realm admin would.
 */
export async function createRealmUser(
  env: KeycloakEnv,
  username: string,
): Promise<RealmUser> {
  const admin = await realmAdmin(env);
  const created = await admin('/users', {
    method: 'POST',
    body: JSON.stringify({
      username,
      enabled: true,
      email: `${username}@dbaas.example.com`,
      emailVerified: true,
      firstName: username,
      lastName: 'Test',
      credentials: [
        {
          type: 'password',
          value: need(env, 'DBAAS_KEYCLOAK_USER_PASSWORD'),
          temporary: false,
        },
      ],
    }),
  });
  expectStatus(`creating the user ${username}`, created, 201);
  return { id: created.headers.get('location')!.split('/').pop()!, username };
}

/** Deletes a user of the realm; one already gone is no error. */
export async function deleteRealmUser(env: KeycloakEnv, user: RealmUser) {
  const admin = await realmAdmin(env);
  const deleted = await admin(`/users/${user.id}`, { method: 'DELETE' });
  if (deleted.status !== 404) {
    expectStatus(`deleting the user ${user.username}`, deleted, 204);
  }
}

/**
 * Adds a user of the realm to the group at `path` (`/dbaas-org/payments`), or
 * with `member: false` removes them from it.
 */
export async function setRealmGroupMember(
  env: KeycloakEnv,
  user: RealmUser,
  path: string,
  member = true,
) {
  const admin = await realmAdmin(env);
  const group = await admin(`/group-by-path${path}`);
  expectStatus(`the group ${path}`, group, 200);
  const { id } = (await group.json()) as { id: string };
  const changed = await admin(`/users/${user.id}/groups/${id}`, {
    method: member ? 'PUT' : 'DELETE',
  });
  expectStatus(
    `${member ? 'adding' : 'removing'} ${user.username} ${
      member ? 'to' : 'from'
    } ${path}`,
    changed,
    204,
  );
}

/** A confidential client of the realm with a service account: a script's identity. */
export type ServiceAccountClient = {
  clientId: string;
  secret: string;
  /** The service account user's id: the `sub` of the client's tokens. */
  userId: string;
};

/**
 * Makes a client of the `dbaas` realm for a script, as a realm admin would:
 * confidential, the client-credentials grant only (a service account), no
 * browser flows.
 */
export async function createServiceAccountClient(
  env: KeycloakEnv,
  clientId: string,
  /** Added to its access tokens' `aud` by an audience mapper. */
  audience?: string,
): Promise<ServiceAccountClient> {
  const admin = await realmAdmin(env);
  const created = await admin('/clients', {
    method: 'POST',
    body: JSON.stringify({
      clientId,
      protocol: 'openid-connect',
      publicClient: false,
      serviceAccountsEnabled: true,
      standardFlowEnabled: false,
      directAccessGrantsEnabled: false,
      protocolMappers: audience
        ? [
            {
              name: `audience ${audience}`,
              protocol: 'openid-connect',
              protocolMapper: 'oidc-audience-mapper',
              config: {
                'included.custom.audience': audience,
                'access.token.claim': 'true',
                'id.token.claim': 'false',
              },
            },
          ]
        : [],
    }),
  });
  expectStatus(`creating the client ${clientId}`, created, 201);
  const id = created.headers.get('location')!.split('/').pop()!;
  const secret = await admin(`/clients/${id}/client-secret`);
  expectStatus(`the secret of ${clientId}`, secret, 200);
  const user = await admin(`/clients/${id}/service-account-user`);
  expectStatus(`the service account of ${clientId}`, user, 200);
  return {
    clientId,
    secret: ((await secret.json()) as { value: string }).value,
    userId: ((await user.json()) as { id: string }).id,
  };
}

/** An access token of the client, by the client-credentials grant. */
export async function clientCredentialsToken(
  env: KeycloakEnv,
  client: Pick<ServiceAccountClient, 'clientId' | 'secret'>,
): Promise<string> {
  const response = await fetch(
    `${need(
      env,
      'DBAAS_KEYCLOAK_URL',
    )}/realms/${REALM}/protocol/openid-connect/token`,
    {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(
          `${client.clientId}:${client.secret}`,
        ).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'client_credentials' }),
    },
  );
  expectStatus(`a token of ${client.clientId}`, response, 200);
  return ((await response.json()) as { access_token: string }).access_token;
}
