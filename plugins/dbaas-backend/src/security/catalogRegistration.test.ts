import { createServiceFactory } from '@backstage/backend-plugin-api';
import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  TestDatabases,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
// The real catalog, booted beside the permission backend and the DBaaS
// policy, is what a registration attack goes through.
import catalogPlugin, {
  CATALOG_ERRORS_TOPIC,
} from '@backstage/plugin-catalog-backend';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import permissionBackend from '@backstage/plugin-permission-backend';
import {
  membershipUserInfoFactory,
  onBehalfOfAuthServiceFactory,
  portalCatalogConfig,
  repoRoot,
  withTestPostgres,
} from '@internal/test-services';
import yaml from 'js-yaml';
import type { Knex } from 'knex';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { permissionModuleDbaasPolicy } from '../permissions/permissionModuleDbaasPolicy';

jest.setTimeout(120_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

// The organization of catalog/org.yaml: ada is in the payments tenant, lena
// in the platform team (a platform admin).
const ADA = 'user:default/ada';
const LENA = 'user:default/lena';
const MEMBERSHIPS = {
  [ADA]: ['group:default/payments'],
  [LENA]: ['group:default/platform'],
};
const ADA_KEYCLOAK_ID = (
  yaml.loadAll(
    fs.readFileSync(path.join(repoRoot, 'catalog/org.yaml'), 'utf8'),
  ) as Entity[]
).find(entity => entity.metadata.name === 'ada')!.metadata.annotations![
  'keycloak.org/id'
];
const AS_PLUGIN = mockCredentials.service.header();
const as = (user: string) => mockCredentials.user.header(user);

const yamlOf = (...entities: Entity[]) =>
  entities.map(entity => yaml.dump(entity)).join('---\n');

/** What an attacker puts at a URL of their own. */
const FILES: Record<string, string> = {
  // A new tenant under the portal's organization, with a fresh quota.
  '/tenant.yaml': yamlOf({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'rogue' },
    spec: { type: 'team', parent: 'dbaas-org', children: [] },
  }),
  // Ada's Keycloak id on a platform admin: whoever signs in as ada would be
  // one, and two users with her id would lock her out.
  '/impostor.yaml': yamlOf(
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'User',
      metadata: {
        name: 'impostor',
        annotations: { 'keycloak.org/id': ADA_KEYCLOAK_ID },
      },
      spec: { memberOf: ['platform'] },
    },
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: { name: 'impostor-cover' },
      spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
    },
  ),
  // What a platform admin may register: a component of a tenant.
  '/component.yaml': yamlOf({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'registered-app' },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
  }),
};

describe.each(databases.eachSupportedId())(
  'only platform admins register and remove catalog data, on %s',
  databaseId => {
    let files: http.Server;
    let base: string;
    let knex: Knex;
    let server: http.Server;
    let stop: () => Promise<void>;
    /** Errors the catalog reports per location, as its error events say. */
    const processingErrors = new Map<string, string[]>();

    beforeAll(async () => {
      files = http.createServer((req, res) => {
        const body = FILES[req.url ?? ''];
        res.writeHead(body ? 200 : 404, { 'Content-Type': 'text/yaml' });
        res.end(body ?? '');
      });
      await new Promise<void>(resolve => files.listen(0, '127.0.0.1', resolve));
      const port = (files.address() as AddressInfo).port;
      base = `http://127.0.0.1:${port}`;

      // One events bus for the catalog and the test, which listens for the
      // catalog's processing errors.
      const events = mockServices.events();
      await events.subscribe({
        id: 'catalog-registration-test',
        topics: [CATALOG_ERRORS_TOPIC],
        async onEvent({ eventPayload }) {
          const { location, errors } = eventPayload as {
            location?: string;
            errors: { message: string }[];
          };
          if (location) {
            processingErrors.set(
              location,
              errors.map(error => error.message),
            );
          }
        },
      });

      knex = await databases.init(databaseId);
      const backend = await startTestBackend({
        features: [
          catalogPlugin,
          permissionBackend,
          permissionModuleDbaasPolicy,
          permissionsServiceFactory,
          httpAuthServiceFactory,
          onBehalfOfAuthServiceFactory,
          membershipUserInfoFactory(MEMBERSHIPS),
          createServiceFactory({
            service: eventsServiceRef,
            deps: {},
            factory: () => events,
          }),
          mockServices.database.factory({ knex }),
          mockServices.rootLogger.factory({
            level:
              (process.env.DBAAS_TEST_LOG as 'error' | undefined) ?? 'none',
          }),
          mockServices.rootConfig.factory({
            data: {
              backend: { reading: { allow: [{ host: `127.0.0.1:${port}` }] } },
              // app-config.yaml's rules and organization sources.
              catalog: portalCatalogConfig(),
              permission: { enabled: true },
              dbaas: {
                permissions: { platformAdmins: ['group:default/platform'] },
              },
            },
          }),
        ],
      });
      server = backend.server;
      stop = () => backend.stop();

      // The organization is in the catalog before any attack.
      await eventually('the organization of catalog/org.yaml', async () =>
        (await entity('user:default/ada')) &&
        (await entity('group:default/platform'))
          ? true
          : undefined,
      );
    });

    afterAll(async () => {
      await stop?.();
      await new Promise(resolve => files?.close(resolve));
    });

    async function entity(ref: string): Promise<Entity | undefined> {
      const [kind, rest] = ref.split(':');
      const response = await request(server)
        .get(`/api/catalog/entities/by-name/${kind}/${rest}`)
        .set('Authorization', AS_PLUGIN);
      return response.status === 200 ? response.body : undefined;
    }

    /**
     * Every entity and registered location, to compare before and after, once
     * the catalog has processed everything it knows of (a processed entity,
     * with or without errors, has a result hash, and the entities it emits
     * are added in the same transaction).
     */
    async function catalogState() {
      await eventually('processing the catalog', async () => {
        const [{ count }] = await knex('refresh_state')
          .where(query =>
            query.whereNull('result_hash').orWhere('result_hash', ''),
          )
          .count({ count: '*' });
        return Number(count) === 0 ? true : undefined;
      });
      const entities = await knex('refresh_state')
        .select('entity_ref')
        .orderBy('entity_ref');
      const locations = await knex('locations')
        .select('id', 'type', 'target')
        .orderBy('id');
      return {
        entities: entities.map(row => row.entity_ref),
        locations,
      };
    }

    async function eventually<T>(
      what: string,
      read: () => Promise<T | undefined>,
    ): Promise<T> {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const value = await read();
        if (value !== undefined) return value;
        if (Date.now() > deadline) {
          throw new Error(`${what} did not happen within 60 s`);
        }
        await new Promise(resolve => setTimeout(resolve, 100));
      }
    }

    const register = (user: string, target: string, dryRun = false) =>
      request(server)
        .post(`/api/catalog/locations${dryRun ? '?dryRun=true' : ''}`)
        .set('Authorization', as(user))
        .send({ type: 'url', target });

    it('refuses an ordinary user who registers a tenant of their own, and changes nothing', async () => {
      const before = await catalogState();

      const attack = await register(ADA, `${base}/tenant.yaml`);
      expect(attack.status).toBe(403);
      expect(attack.body.error.name).toBe('NotAllowedError');
      // Not even a dry run, which would read the attacker's URL.
      expect((await register(ADA, `${base}/tenant.yaml`, true)).status).toBe(
        403,
      );

      expect(await catalogState()).toEqual(before);
      expect(await entity('group:default/rogue')).toBeUndefined();
    });

    it('refuses an ordinary user who deletes users, groups or locations, and changes nothing', async () => {
      // A location a platform admin registered, which an attacker would remove.
      const registered = await register(LENA, `${base}/component.yaml`);
      expect(registered.status).toBe(201);
      await eventually('the registered component', () =>
        entity('component:default/registered-app'),
      );
      const lena = (await entity(LENA))!;
      const platform = (await entity('group:default/platform'))!;
      const before = await catalogState();

      for (const victim of [lena, platform]) {
        const attack = await request(server)
          .delete(`/api/catalog/entities/by-uid/${victim.metadata.uid}`)
          .set('Authorization', as(ADA));
        expect(attack.status).toBe(403);
      }
      const removal = await request(server)
        .delete(`/api/catalog/locations/${registered.body.location.id}`)
        .set('Authorization', as(ADA));
      expect(removal.status).toBe(403);

      expect(await catalogState()).toEqual(before);
      expect((await entity(LENA))?.metadata.uid).toBe(lena.metadata.uid);
      expect((await entity('group:default/platform'))?.metadata.uid).toBe(
        platform.metadata.uid,
      );
      expect(await entity('component:default/registered-app')).toBeDefined();
    });

    it('keeps users out of what even a platform admin registers: someone\u2019s Keycloak id on another user never enters the catalog', async () => {
      const target = `${base}/impostor.yaml`;

      // A dry run says why, at once.
      const dryRun = await register(LENA, target, true);
      expect(dryRun.status).toBe(400);
      expect(dryRun.body.error.message).toContain(
        `Entity user:default/impostor at url:${target}, originated at url:${target}, is not of an allowed kind for that location`,
      );

      // Registered for real, the location is refused when it is processed:
      // none of its entities, the harmless one included, enter the catalog.
      expect((await register(LENA, target)).status).toBe(201);
      const errors = await eventually('processing the location', async () =>
        processingErrors.get(`url:${target}`),
      );
      expect(errors.join('\n')).toContain('user:default/impostor at url:');
      expect(errors.join('\n')).toContain(
        'is not of an allowed kind for that location',
      );
      expect(await entity('user:default/impostor')).toBeUndefined();
      expect(await entity('component:default/impostor-cover')).toBeUndefined();
      const withAdasId = await request(server)
        .get('/api/catalog/entities/by-query')
        .query({
          filter: `metadata.annotations.keycloak.org/id=${ADA_KEYCLOAK_ID}`,
        })
        .set('Authorization', AS_PLUGIN);
      expect(withAdasId.status).toBe(200);
      expect(
        withAdasId.body.items.map((item: Entity) => item.metadata.name),
      ).toEqual(['ada']);
    });
  },
);
