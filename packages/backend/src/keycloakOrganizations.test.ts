import {
  createRealmUser,
  deleteRealmUser,
  describeWithServices,
  eventually,
  keycloakAuthConfig,
  portalCatalogConfig,
  setRealmGroupMember,
  signInThroughKeycloak,
  type RealmUser,
} from '@internal/test-services';
import fs from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startPortalTestBackend } from './__testUtils__/startPortalTestBackend';

jest.setTimeout(240_000);

/** How often the test backend reads the realm; app-config.services.yaml reads it every minute. */
const SYNC_SECONDS = 5;

/**
 * Organizations and tenants from Keycloak, everything real: the stack's
 * Keycloak realm `dbaas` (scripts/services/keycloak/dbaas-realm.json) is read
 * by the community Keycloak catalog module with the realm's read-only service
 * account and our group transformer, as app-config.services.yaml configures
 * it (with catalog/org.yaml not loaded); users sign in through Keycloak and
 * order databases through the DBaaS API under the DBaaS policy.
 */
describeWithServices(
  ['keycloak'],
  'Organizations from Keycloak: realm groups are organizations and tenants',
  env => {
    const run = Date.now().toString(36);
    let server: Server;
    let backendUrl: string;
    let stop: (() => Promise<void>) | undefined;
    let dir: string;
    let nia: RealmUser;
    let omar: RealmUser;
    const figures: string[] = [];

    const signIn = async (username: string) =>
      (
        await signInThroughKeycloak({
          backend: backendUrl,
          username,
          password: env.DBAAS_KEYCLOAK_USER_PASSWORD,
        })
      ).session.backstageIdentity.token;

    const entity = (token: string, ref: string) =>
      request(server)
        .get(`/api/catalog/entities/by-name/${ref.replace(':', '/')}`)
        .set('Authorization', `Bearer ${token}`);

    /** The groups the catalog's User entity of `user` is a member of. */
    const groupsOf = async (token: string, user: RealmUser) => {
      const response = await entity(token, `user:default/${user.username}`);
      if (response.status !== 200) return undefined;
      return (response.body.relations as { type: string; targetRef: string }[])
        .filter(r => r.type === 'memberOf')
        .map(r => r.targetRef);
    };

    const order = (token: string, name: string) =>
      request(server)
        .post('/api/dbaas/v1/services')
        .set('Authorization', `Bearer ${token}`)
        .send({
          name,
          tenant: 'group:default/payments',
          engine: 'postgresql',
          plan: 'shared',
          region: 'lagos',
        });

    beforeAll(async () => {
      [nia, omar] = await Promise.all([
        createRealmUser(env, `nia-${run}`),
        createRealmUser(env, `omar-${run}`),
      ]);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-keycloak-org-'));
      const backend = await startPortalTestBackend({
        config: {
          app: { baseUrl: 'http://localhost:3000' },
          catalog: {
            ...portalCatalogConfig(),
            // The services config's sources: everything but catalog/org.yaml.
            locations: portalCatalogConfig({ file: 'app-config.services.yaml' })
              .locations,
            providers: {
              keycloakOrg: {
                dbaas: {
                  baseUrl: env.DBAAS_KEYCLOAK_URL,
                  realm: 'dbaas',
                  loginRealm: 'dbaas',
                  clientId: env.DBAAS_KEYCLOAK_CATALOG_CLIENT_ID,
                  clientSecret: env.DBAAS_KEYCLOAK_CATALOG_CLIENT_SECRET,
                  briefRepresentation: false,
                  schedule: {
                    frequency: { seconds: SYNC_SECONDS },
                    timeout: { minutes: 1 },
                  },
                },
              },
            },
          },
          permission: { enabled: true },
          auth: keycloakAuthConfig(env, `session-${run}`),
          dbaas: {
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
      backendUrl = `http://127.0.0.1:${
        (server.address() as { port: number }).port
      }`;
    });

    afterAll(async () => {
      await stop?.();
      await Promise.all(
        [nia, omar].filter(Boolean).map(user => deleteRealmUser(env, user)),
      );
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
      // eslint-disable-next-line no-console
      console.log(`Keycloak organizations:\n  ${figures.join('\n  ')}`);
    });

    it('reads the organization and its tenants from the realm', async () => {
      // Ada is a Keycloak user in /dbaas-org/payments; no YAML names her here.
      const ada = await eventually(
        'ada signed in (once the catalog has read the realm)',
        () => signIn('ada').catch(() => undefined),
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      const org = await entity(ada, 'group:default/dbaas-org');
      expect(org.status).toBe(200);
      expect(org.body.metadata.annotations).toMatchObject({
        'keycloak.org/realm': 'dbaas',
      });
      expect(org.body.metadata.title).toBe('DBaaS customers');
      expect(org.body.spec.type).toBe('organization');
      expect([...org.body.spec.children].sort()).toEqual([
        'checkout',
        'payments',
        'platform',
      ]);
      const payments = await entity(ada, 'group:default/payments');
      expect(payments.body.spec).toMatchObject({
        type: 'team',
        parent: 'dbaas-org',
      });
      expect(payments.body.metadata.title).toBe('Payments');
      expect(await groupsOf(ada, { id: '', username: 'ada' })).toEqual([
        'group:default/payments',
      ]);
    });

    it('lets a user added to a tenant group order for it after the next sync, and no longer once removed', async () => {
      // Both are users of the realm, in no group yet: no right on payments.
      const outsider = await eventually(
        `${omar.username} signed in`,
        () => signIn(omar.username).catch(() => undefined),
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect((await order(outsider, `omar-${run}`)).status).toBe(403);
      const before = await signIn(nia.username);
      expect((await order(before, `nia-early-${run}`)).status).toBe(403);

      const added = performance.now();
      await setRealmGroupMember(env, nia, '/dbaas-org/payments');
      await eventually(
        `${nia.username} in payments in the catalog`,
        async () =>
          (await groupsOf(outsider, nia))?.includes('group:default/payments'),
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      const joinedMs = performance.now() - added;
      figures.push(
        `added to /dbaas-org/payments -> member in the catalog: ${(
          joinedMs / 1000
        ).toFixed(1)} s (sync every ${SYNC_SECONDS} s)`,
      );

      const member = await signIn(nia.username);
      const ordered = await order(member, `nia-${run}`);
      expect(ordered.status).toBe(201);
      expect(ordered.body.tenant).toBe('group:default/payments');
      // Another user of the realm outside the group still may not.
      expect((await order(outsider, `omar-late-${run}`)).status).toBe(403);

      const removed = performance.now();
      await setRealmGroupMember(env, nia, '/dbaas-org/payments', false);
      await eventually(
        `${nia.username} out of payments in the catalog`,
        async () =>
          (
            await groupsOf(outsider, nia)
          )?.includes('group:default/payments') === false,
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      figures.push(
        `removed from the group -> not a member in the catalog: ${(
          (performance.now() - removed) /
          1000
        ).toFixed(1)} s`,
      );
      // Her next session no longer carries the tenant.
      const after = await signIn(nia.username);
      expect((await order(after, `nia-late-${run}`)).status).toBe(403);
    });
  },
);
