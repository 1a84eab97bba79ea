import {
  clientCredentialsToken,
  createServiceAccountClient,
  describeWithServices,
  eventually,
  keycloakAuthConfig,
  portalCatalogConfig,
  repoRoot,
  signInThroughKeycloak,
  type ServiceAccountClient,
} from '@internal/test-services';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startPortalTestBackend } from './__testUtils__/startPortalTestBackend';

jest.setTimeout(180_000);

/**
 * Runs a script as a CI job's shell would, and answers what it printed. Not
 * execFileSync: the backend answering its curl runs in this process. Stdin is
 * not a socket, or bash would take itself for a remote shell and read the
 * machine's bashrc.
 */
function runBash(script: string, env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('error', reject);
    child.on('close', code =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`the script failed (${code}): ${stderr}${stdout}`)),
    );
  });
}

/** The job's example of docs/api.md, "Scripts and CI jobs", as written there. */
function documentedJob(): string {
  const doc = fs.readFileSync(path.join(repoRoot, 'docs/api.md'), 'utf8');
  const marker =
    "<!-- the job's example: apiClients.test.ts runs this block -->";
  const after = doc.slice(doc.indexOf(marker) + marker.length);
  const block = /```bash\n([\s\S]*?)\n```/.exec(after);
  if (doc.indexOf(marker) < 0 || !block) {
    throw new Error("docs/api.md lost the job's example or its marker");
  }
  return block[1];
}

/**
 * Scripts and CI jobs on the DBaaS API, everything real: the stack's Keycloak
 * issues the jobs' tokens (client-credentials grant) and signs the users in,
 * Backstage's auth service verifies both (external access through the realm's
 * JWKS; the auth backend's user tokens), the catalog is the portal's own, and
 * the permission backend runs the DBaaS policy.
 */
describeWithServices(
  ['keycloak'],
  'API clients: a CI job calls the API as the user who registered it',
  env => {
    const run = Date.now().toString(36);
    const subjectOf = (client: ServiceAccountClient) =>
      `external:keycloak:${client.userId}`;
    let ci: ServiceAccountClient;
    let stray: ServiceAccountClient;
    let noAudience: ServiceAccountClient;
    let server: Server;
    let backendUrl: string;
    let stop: (() => Promise<void>) | undefined;
    let dir: string;

    const api = (
      token: string,
      method: 'get' | 'post' | 'delete',
      url: string,
    ) =>
      request(server)
        [method](`/api/dbaas/v1${url}`)
        .set('Authorization', `Bearer ${token}`);

    const signIn = (username: string) =>
      eventually(
        `${username} signed in (once the catalog has read them)`,
        async () => {
          try {
            const { session } = await signInThroughKeycloak({
              backend: backendUrl,
              username,
              password: env.DBAAS_KEYCLOAK_USER_PASSWORD,
            });
            return session.backstageIdentity.token;
          } catch {
            return undefined;
          }
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );

    beforeAll(async () => {
      [ci, stray, noAudience] = await Promise.all([
        createServiceAccountClient(env, `payments-ci-${run}`, 'dbaas-api'),
        createServiceAccountClient(env, `stray-${run}`, 'dbaas-api'),
        createServiceAccountClient(env, `no-audience-${run}`),
      ]);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-api-clients-'));
      const realm = `${env.DBAAS_KEYCLOAK_URL}/realms/dbaas`;
      const backend = await startPortalTestBackend({
        config: {
          app: { baseUrl: 'http://localhost:3000' },
          backend: {
            auth: {
              externalAccess: [
                {
                  type: 'jwks',
                  options: {
                    url: `${realm}/protocol/openid-connect/certs`,
                    issuer: realm,
                    algorithm: 'RS256',
                    audience: 'dbaas-api',
                    subjectPrefix: 'keycloak',
                  },
                  accessRestrictions: [{ plugin: 'dbaas' }],
                },
              ],
            },
          },
          catalog: portalCatalogConfig(),
          permission: { enabled: true },
          auth: keycloakAuthConfig(env, `session-${run}`),
          dbaas: {
            apiClients: { subjectPrefixes: ['keycloak'] },
            // The PoPs' owner, as app-config.yaml has it.
            permissions: { platformAdmins: ['group:default/platform'] },
            gitops: { localPath: path.join(dir, 'gitops.git') },
            quotas: {
              default: {
                instances: 20,
                cpu: 256,
                memoryGi: 1024,
                storageGi: 20_000,
              },
            },
          },
        },
      });
      server = backend.server;
      stop = backend.stop;
      const address = server.address() as { port: number };
      backendUrl = `http://127.0.0.1:${address.port}`;
    });

    afterAll(async () => {
      await stop?.();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it('is refused until its user registers it, then does what they may, and nothing once removed', async () => {
      const [ada, kwame] = [await signIn('ada'), await signIn('kwame')];
      const ciToken = await clientCredentialsToken(env, ci);

      // Not registered: refused, and told how.
      const unregistered = await api(ciToken, 'get', '/services');
      expect(unregistered.status).toBe(403);
      expect(unregistered.body.error.message).toContain(
        'is not a registered API client',
      );

      // Ada registers it with a fresh token of it: proof she holds its secret.
      const registered = await api(ada, 'post', '/api-clients').send({
        token: ciToken,
        description: 'payments CI: migrations',
      });
      expect(registered.status).toBe(201);
      expect(registered.body).toMatchObject({
        subject: subjectOf(ci),
        owner: 'user:default/ada',
        description: 'payments CI: migrations',
      });
      // It acts for one user: kwame cannot take it over, nor see it.
      const takeover = await api(kwame, 'post', '/api-clients').send({
        token: ciToken,
        description: 'mine now',
      });
      expect(takeover.status).toBe(409);
      expect((await api(kwame, 'get', '/api-clients')).body.data).toEqual([]);
      expect(
        (await api(ada, 'get', '/api-clients')).body.data.map(
          (c: { subject: string }) => c.subject,
        ),
      ).toEqual([subjectOf(ci)]);

      // The PoPs are catalog entities: the SKUs are on offer once it read them.
      await eventually('lagos in the regions', async () => {
        const { body } = await api(ada, 'get', '/catalog/regions');

        return body.items?.some((r: { id: string }) => r.id === 'lagos')
          ? true
          : undefined;
      });
      // The job runs the documented example as written: the seed's request,
      // no tenant named, lands in ada's one tenant.
      const output = await runBash(documentedJob(), {
        PATH: process.env.PATH ?? '',
        KEYCLOAK_URL: env.DBAAS_KEYCLOAK_URL,
        CLIENT_ID: ci.clientId,
        CLIENT_SECRET: ci.secret,
        PORTAL_URL: backendUrl,
      });
      const created = JSON.parse(output);
      expect(created).toMatchObject({
        name: 'my-postgres',
        engine: 'yugabyte',
        tenant: 'group:default/payments',
      });

      // Kwame's database in checkout, which ada may not see: nor may her job.
      const carts = await api(kwame, 'post', '/services').send({
        name: `carts-${run}`,
        tenant: 'group:default/checkout',
        engine: 'postgresql',
        plan: 'shared',
        region: 'lagos',
      });
      expect(carts.status).toBe(201);
      const listed = await api(ciToken, 'get', '/services?limit=100');
      expect(listed.status).toBe(200);
      const names = listed.body.data.map((s: { name: string }) => s.name);
      expect(names).toContain('my-postgres');
      expect(names).not.toContain(`carts-${run}`);
      expect(
        (await api(ciToken, 'get', `/services/${carts.body.id}`)).status,
      ).toBe(404);
      const intoCheckout = await api(ciToken, 'post', '/services').send({
        name: `sneaky-${run}`,
        tenant: 'group:default/checkout',
        engine: 'postgresql',
        plan: 'shared',
        region: 'lagos',
      });
      expect(intoCheckout.status).toBe(403);

      // Its change is audited with the client as the actor (the audit log
      // is the organization admins' to read: lena runs the platform).
      const audit = await api(
        await signIn('lena'),
        'get',
        `/audit-logs?tenant=${encodeURIComponent(
          'group:default/payments',
        )}&action=service.create`,
      );
      expect(audit.status).toBe(200);
      expect(
        audit.body.data.find(
          (e: { resourceId: string }) => e.resourceId === created.id,
        )?.actor,
      ).toBe(subjectOf(ci));

      // A client registers nothing, and its token opens no other plugin.
      const byClient = await api(ciToken, 'post', '/api-clients').send({
        token: await clientCredentialsToken(env, stray),
        description: 'a friend',
      });
      expect(byClient.status).toBe(403);
      const catalog = await request(server)
        .get('/api/catalog/entities')
        .set('Authorization', `Bearer ${ciToken}`);
      expect(catalog.status).toBe(403);

      // Another client nobody registered; a token without the API's audience.
      expect(
        (
          await api(
            await clientCredentialsToken(env, stray),
            'get',
            '/services',
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await api(
            await clientCredentialsToken(env, noAudience),
            'get',
            '/services',
          )
        ).status,
      ).toBe(401);
      // Nor is such a token registered.
      const wrongToken = await api(ada, 'post', '/api-clients').send({
        token: await clientCredentialsToken(env, noAudience),
        description: 'no audience',
      });
      expect(wrongToken.status).toBe(400);

      // Kwame cannot remove it; ada can, and its next call is refused.
      const encoded = encodeURIComponent(subjectOf(ci));
      expect(
        (await api(kwame, 'delete', `/api-clients/${encoded}`)).status,
      ).toBe(404);
      expect((await api(ada, 'delete', `/api-clients/${encoded}`)).status).toBe(
        204,
      );
      expect((await api(ciToken, 'get', '/services')).status).toBe(403);
    });
  },
);
