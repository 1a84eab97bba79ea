import { TestDatabases } from '@backstage/backend-test-utils';
import { withTestPostgres } from '@internal/test-services';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  PAYMENTS,
  group,
  startDbaasBackend,
} from '../__testUtils__/dbaasTestBackend';
import { portalState } from './__testUtils__/portalState';

jest.setTimeout(120_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** The victim's team, in organization acme. */
const VICTIM_TENANT = 'group:default/data-platform';
/** Teams of organization globex whose references all derive `data-platform`. */
const LOOKALIKES = [
  'group:data/platform',
  'group:default/data.platform',
  'group:default/data_platform',
];
const VIC = 'user:default/vic';
const MAL = 'user:default/mal';
const ADA = 'user:default/ada';

const groups = [
  group('data-platform', 'team', 'acme'),
  group('platform', 'team', 'group:default/globex', 'data'),
  group('data.platform', 'team', 'globex'),
  group('data_platform', 'team', 'globex'),
];
const memberships = { [VIC]: [VICTIM_TENANT], [MAL]: LOOKALIKES };

const database = (tenant: string, engine = 'postgresql') => ({
  name: 'orders',
  tenant,
  engine,
  plan: 'dedicated',
  region: 'lagos',
});

/** Writes one file on `main` as a person (or an earlier portal) would. */
function commitFile(repo: string, file: string, content: string) {
  const index = path.join(path.dirname(repo), 'index.tmp');
  const env = { ...process.env, GIT_INDEX_FILE: index };
  const run = (args: string[], input?: string) =>
    execFileSync('git', [`--git-dir=${repo}`, ...args], {
      encoding: 'utf8',
      env,
      input,
    }).trim();
  run(['read-tree', 'main']);
  const blob = run(['hash-object', '-w', '--stdin'], content);
  run(['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`]);
  const tree = run(['write-tree']);
  const commit = run(
    ['commit-tree', tree, '-p', 'main', '-m', `Edit ${file}`],
    undefined,
  );
  run(['update-ref', 'refs/heads/main', commit]);
  fs.rmSync(index, { force: true });
}

/** A claim of the portal's as another database's would be. */
const foreignClaim = (serviceId: string) => `apiVersion: dbaas.io/v1alpha1
kind: ServiceClaim
metadata:
  name: orders
  namespace: tenant-payments
  labels:
    dbaas.io/service-id: ${serviceId}
spec:
  engine: mongodb
`;

describe.each(databases.eachSupportedId())(
  'a tenant cannot take another tenant\u2019s name outside the catalog, on %s',
  databaseId => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-tenant-identity-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    async function start() {
      const knex = await databases.init(databaseId);
      const repo = path.join(dir, 'gitops.git');
      const backend = await startDbaasBackend({
        knex,
        config: { gitops: { localPath: repo } },
        groups,
        memberships,
      });
      const api = (
        user: string,
        method: 'get' | 'post' | 'put' | 'delete',
        url: string,
        body?: object,
      ) =>
        request(backend.server)
          [method](`/api/dbaas/v1${url}`)
          .set('Authorization', backend.as(user))
          .send(body);
      return { knex, repo, backend, api };
    }

    it('refuses a look-alike tenant the victim\u2019s folder, namespace and topic, and changes nothing', async () => {
      const { knex, repo, backend, api } = await start();
      try {
        const victim = await api(
          VIC,
          'post',
          '/services',
          database(VICTIM_TENANT),
        );
        expect(victim.status).toBe(201);
        expect(victim.body.gitops.path).toBe(
          'tenants/data-platform/orders.yaml',
        );
        const before = await portalState(knex, repo);

        for (const tenant of LOOKALIKES) {
          // Another engine (the operator would prune the victim's engine) and
          // the same one (it would hand over the victim's connection).
          for (const engine of ['mongodb', 'postgresql']) {
            const attack = await api(
              MAL,
              'post',
              '/services',
              database(tenant, engine),
            );
            expect(attack.status).toBe(409);
            expect(attack.body.error).toEqual({
              code: 'CONFLICT',
              name: 'ConflictError',
              message: expect.stringContaining(
                `${tenant} would be named "data-platform" outside the catalog (GitOps folder tenants/data-platform/, namespace tenant-data-platform, topics dbaas.*.data-platform), and that name belongs to ${VICTIM_TENANT}`,
              ),
            });
          }
        }
        // Nothing changed: no row (not even a failed audit event that the
        // relay would publish to the victim's topic), no commit, no branch.
        expect(await portalState(knex, repo)).toEqual(before);

        // The victim's slug keeps working for the victim.
        const second = await api(VIC, 'post', '/services', {
          ...database(VICTIM_TENANT),
          name: 'payments-ledger',
        });
        expect(second.status).toBe(201);
        expect(second.body.gitops.path).toBe(
          'tenants/data-platform/payments-ledger.yaml',
        );
      } finally {
        await backend.stop();
      }
    });

    it('never overwrites another database\u2019s claim file', async () => {
      const { knex, repo, backend, api } = await start();
      try {
        // The repository exists from the start; lay it out with a first write.
        const other = await api(ADA, 'post', '/services', {
          ...database(PAYMENTS),
          name: 'warmup',
        });
        expect(other.status).toBe(201);
        // A claim at the path of the database about to be ordered, that is not
        // its own: another database's (a collision from before the slugs were
        // recorded) or one a person wrote.
        commitFile(
          repo,
          'tenants/payments/orders.yaml',
          foreignClaim('11111111-2222-4333-8444-555555555555'),
        );
        const before = await portalState(knex, repo);
        const attack = await api(ADA, 'post', '/services', database(PAYMENTS));
        expect(attack.status).toBe(409);
        expect(attack.body.error.message).toBe(
          "tenants/payments/orders.yaml in the GitOps repository holds another database's claim, which this change must not overwrite or delete",
        );
        expect(await portalState(knex, repo)).toEqual({
          ...before,
          // The refusal is audited, as every failed mutation is.
          audit_events: expect.arrayContaining(before.audit_events as string[]),
        });
        const failed = await knex('audit_events').where({
          action: 'service.create',
          outcome: 'failed',
        });
        expect(failed).toHaveLength(1);
      } finally {
        await backend.stop();
      }
    });

    it('never changes or removes a claim file that another database took over', async () => {
      const { knex, repo, backend, api } = await start();
      try {
        const created = await api(ADA, 'post', '/services', database(PAYMENTS));
        expect(created.status).toBe(201);
        // Before the slugs were recorded, a look-alike tenant's database of
        // the same name overwrote this file; deleting this database must not
        // decommission that one.
        commitFile(
          repo,
          'tenants/payments/orders.yaml',
          foreignClaim('11111111-2222-4333-8444-555555555555'),
        );
        const before = await portalState(knex, repo);
        const url = `/services/${created.body.id}`;
        for (const [method, body] of [
          ['delete', undefined],
          ['put', { config: { storageSize: '500Gi' } }],
        ] as const) {
          const attack = await api(ADA, method, url, body);
          expect(attack.status).toBe(409);
          expect(attack.body.error.code).toBe('CONFLICT');
        }
        const after = await portalState(knex, repo);
        expect({ ...after, audit_events: [] }).toEqual({
          ...before,
          audit_events: [],
        });
        const details = await api(ADA, 'get', url);
        expect(details.body.status).not.toBe('deleting');
      } finally {
        await backend.stop();
      }
    });
  },
);
