import { TestDatabases } from '@backstage/backend-test-utils';
import { withTestPostgres } from '@internal/test-services';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import {
  LEDGER,
  PAYMENTS,
  startDbaasBackend,
} from '../__testUtils__/dbaasTestBackend';
import { portalState } from './__testUtils__/portalState';

jest.setTimeout(180_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

/** The attacker: a service admin of payments. */
const ADA = 'user:default/ada';
/** The victim: a service admin of ledger, in another organization. */
const GINA = 'user:default/gina';

const LOCATIONS = ['s3://dbaas-backups', 'gs://dbaas-backups-eu/portal/'];

const request_ = (tenant: string, name: string, config: object) => ({
  name,
  tenant,
  engine: 'postgresql',
  plan: 'shared',
  region: 'lagos',
  config,
});

/**
 * Every state table and the GitOps repository as they were, but for the
 * attempt's own `failed` audit event in the attacker's tenant.
 */
async function expectNothingChanged(
  knex: Knex,
  repo: string,
  before: Record<string, unknown>,
) {
  const { audit_events: eventsBefore, ...rest } = before;
  const { audit_events: eventsAfter, ...restAfter } = await portalState(
    knex,
    repo,
  );
  expect(restAfter).toEqual(rest);
  const added = (eventsAfter as string[])
    .filter(e => !(eventsBefore as string[]).includes(e))
    .map(e => JSON.parse(e));
  for (const event of added) {
    expect(event).toMatchObject({
      actor: ADA,
      tenant: PAYMENTS,
      outcome: 'failed',
    });
  }
}

describe.each(databases.eachSupportedId())(
  'a tenant cannot choose another\u2019s backup destination or an open network, on %s',
  databaseId => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-destinations-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    async function start(config: Record<string, unknown> = {}) {
      const knex = await databases.init(databaseId);
      const repo = path.join(dir, 'gitops.git');
      const backend = await startDbaasBackend({
        knex,
        config: {
          gitops: { localPath: repo },
          backups: { locations: LOCATIONS },
          ...config,
        },
      });
      const api = (
        user: string,
        method: 'post' | 'put',
        url: string,
        body: object,
      ) =>
        request(backend.server)
          [method](`/api/dbaas/v1${url}`)
          .set('Authorization', backend.as(user))
          .send(body);
      // A database each, so both tenants' folders and the layout exist.
      const own = await api(
        ADA,
        'post',
        '/services',
        request_(PAYMENTS, 'orders', {}),
      );
      expect(own.status).toBe(201);
      const victim = await api(
        GINA,
        'post',
        '/services',
        request_(LEDGER, 'books', {}),
      );
      expect(victim.status).toBe(201);
      return { knex, repo, backend, api, ownId: own.body.id as string };
    }

    const destinationRefused = (response: request.Response) => {
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'INVALID_REQUEST',
        message: expect.stringContaining(
          "config.backup.destination: must be in group:default/payments's own area of the platform's backup locations: s3://dbaas-backups/tenant-payments/... or gs://dbaas-backups-eu/portal/tenant-payments/...",
        ),
        details: expect.objectContaining({
          field: 'config.backup.destination',
        }),
      });
    };

    it('confines a backup destination to the tenant\u2019s area of the configured locations', async () => {
      const { knex, repo, backend, api, ownId } = await start();
      try {
        const before = await portalState(knex, repo);
        const attacks = [
          // The victim's area, directly and through the back door.
          's3://dbaas-backups/tenant-ledger/books',
          's3://dbaas-backups/tenant-payments/../tenant-ledger/books',
          's3://dbaas-backups/tenant-payments/./../tenant-ledger',
          's3://dbaas-backups//tenant-ledger',
          // A look-alike area, the location's root, and a bucket of one's own.
          's3://dbaas-backups/tenant-payments-evil/orders',
          's3://dbaas-backups',
          's3://attacker-exfil/tenant-payments/orders',
          'gs://dbaas-backups-eu/tenant-payments/orders',
          // Anything a storage client might read as another place.
          's3://dbaas-backups/tenant-payments/%2e%2e/tenant-ledger',
          's3://dbaas-backups/tenant-payments?prefix=../tenant-ledger',
        ];
        for (const destination of attacks) {
          const created = await api(
            ADA,
            'post',
            '/services',
            request_(PAYMENTS, 'exfil', {
              backup: { enabled: true, destination },
            }),
          );
          destinationRefused(created);
          const changed = await api(ADA, 'put', `/services/${ownId}`, {
            config: { backup: { destination } },
          });
          destinationRefused(changed);
        }
        await expectNothingChanged(knex, repo, before);

        // Its own area of either location is fine.
        const ownArea = await api(ADA, 'put', `/services/${ownId}`, {
          config: {
            backup: {
              destination:
                's3://dbaas-backups/tenant-payments/orders?region=af-south-1',
            },
          },
        });
        expect(ownArea.status).toBe(200);
        const secondLocation = await api(
          ADA,
          'post',
          '/services',
          request_(PAYMENTS, 'archive', {
            backup: {
              enabled: true,
              destination:
                'gs://dbaas-backups-eu/portal/tenant-payments/archive/',
            },
          }),
        );
        expect(secondLocation.status).toBe(201);
      } finally {
        await backend.stop();
      }
    });

    it('refuses every destination when the platform configures no locations', async () => {
      const { knex, repo, backend, api, ownId } = await start({
        backups: { locations: [] },
      });
      try {
        const before = await portalState(knex, repo);
        const changed = await api(ADA, 'put', `/services/${ownId}`, {
          config: { backup: { destination: 's3://anywhere/tenant-payments' } },
        });
        expect(changed.status).toBe(400);
        expect(changed.body.error.details).toMatchObject({
          field: 'config.backup.destination',
          constraint:
            'the platform offers no backup locations to choose from; leave destination out to back up to the region\u2019s default location',
        });
        await expectNothingChanged(knex, repo, before);
      } finally {
        await backend.stop();
      }
    });

    it('refuses allowedCIDRs that open a database to a forbidden range', async () => {
      const { knex, repo, backend, api, ownId } = await start({
        networking: {
          forbiddenCIDRs: ['0.0.0.0/0', '::/0', '169.254.169.254/32'],
        },
      });
      try {
        const before = await portalState(knex, repo);
        const attacks: [string[], string, string][] = [
          [
            ['0.0.0.0/0'],
            'config.allowedCIDRs.0',
            '0.0.0.0/0 includes 0.0.0.0/0, which the platform forbids opening a database to',
          ],
          [
            ['10.0.0.0/8', '0.0.0.0/0'],
            'config.allowedCIDRs.1',
            '0.0.0.0/0 includes 0.0.0.0/0, which the platform forbids opening a database to',
          ],
          [
            // Host bits set: still the whole internet.
            ['1.2.3.4/0'],
            'config.allowedCIDRs.0',
            '1.2.3.4/0 includes 0.0.0.0/0, which the platform forbids opening a database to',
          ],
          [
            ['0.0.0.0/1', '128.0.0.0/1'],
            'config.allowedCIDRs',
            'together include 0.0.0.0/0, which the platform forbids opening a database to',
          ],
          [
            ['169.254.0.0/16'],
            'config.allowedCIDRs.0',
            '169.254.0.0/16 includes 169.254.169.254/32, which the platform forbids opening a database to',
          ],
          [
            ['::/0'],
            'config.allowedCIDRs.0',
            'must be an IPv4 CIDR such as 10.0.0.0/8',
          ],
        ];
        for (const [allowedCIDRs, field, constraint] of attacks) {
          for (const response of [
            await api(
              ADA,
              'post',
              '/services',
              request_(PAYMENTS, 'open', { allowedCIDRs }),
            ),
            await api(ADA, 'put', `/services/${ownId}`, {
              config: { allowedCIDRs },
            }),
          ]) {
            expect(response.status).toBe(400);
            expect(response.body.error).toMatchObject({
              code: 'INVALID_REQUEST',
              details: expect.objectContaining({ field, constraint }),
            });
          }
        }
        await expectNothingChanged(knex, repo, before);

        const narrow = await api(ADA, 'put', `/services/${ownId}`, {
          config: { allowedCIDRs: ['10.0.0.0/8', '192.168.1.0/24'] },
        });
        expect(narrow.status).toBe(200);
      } finally {
        await backend.stop();
      }
    });

    it('forbids 0.0.0.0/0 when the platform configures nothing', async () => {
      const { knex, repo, backend, api } = await start({ backups: {} });
      try {
        const before = await portalState(knex, repo);
        const open = await api(
          ADA,
          'post',
          '/services',
          request_(PAYMENTS, 'open', { allowedCIDRs: ['0.0.0.0/0'] }),
        );
        expect(open.status).toBe(400);
        expect(open.body.error.details.field).toBe('config.allowedCIDRs.0');
        await expectNothingChanged(knex, repo, before);
      } finally {
        await backend.stop();
      }
    });

    it.each([
      [
        { backups: { locations: ['https://example.com/backups'] } },
        /dbaas\.backups\.locations\[0\] must be an object storage URL/,
      ],
      [
        { backups: { locations: ['s3://bucket/../other'] } },
        /dbaas\.backups\.locations\[0\] must be an object storage URL/,
      ],
      [
        { networking: { forbiddenCIDRs: ['everything'] } },
        /dbaas\.networking\.forbiddenCIDRs\[0\] must be an IPv4 or IPv6 CIDR/,
      ],
    ])('refuses to start with bad config %j', async (config, message) => {
      const knex = await databases.init(databaseId);
      await expect(startDbaasBackend({ knex, config })).rejects.toThrow(
        message,
      );
    });
  },
);
