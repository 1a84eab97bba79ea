import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { specFromSku } from '@internal/backstage-plugin-dbaas-common';
import {
  examplePops as POPS,
  exampleSkuCatalog,
} from '@internal/backstage-plugin-dbaas-common/testUtils';
import { withTestPostgres } from '@internal/test-services';
import type { Knex } from 'knex';
import { DatabaseServiceStore } from '../database/DatabaseServiceStore';
import { GitOpsOutboxStore } from '../database/GitOpsOutboxStore';
import type { ServiceRecord } from '../database/ServiceStore';
import { TimelineStore } from '../database/TimelineStore';
import { GitOpsProvisioner } from '../provisioner/GitOpsProvisioner';
import type { HandOver } from '../provisioner/ServiceProvisioner';
import { CommitModeWriter } from './CommitModeWriter';
import type { ConfirmRemovals } from './ConfirmRemovals';
import { ensureLocalGitOpsRepository } from './ensureLocalGitOpsRepository';
import { GitOpsPublisher } from './GitOpsPublisher';
import { GitOpsReconciler } from './GitOpsReconciler';
import { GitOpsRepository } from './GitOpsRepository';

jest.setTimeout(180_000);

withTestPostgres();
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const TENANT = 'group:default/payments';
const author = { name: 'DBaaS portal', email: 'dbaas-portal@example.com' };
const spec = specFromSku(exampleSkuCatalog, 'pg-shared', 'lagos');

describe.each(databases.eachSupportedId())(
  'the GitOps outbox and its publisher, on %s',
  id => {
    let root: string;
    let bare: string;
    beforeEach(async () => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-publisher-'));
      bare = path.join(root, 'gitops.git');
      await ensureLocalGitOpsRepository(bare);
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    const filesAt = async () =>
      (await git.listFiles({ fs, gitdir: bare, ref: 'main' }))
        .filter(file => file.startsWith('tenants/payments/'))
        .sort();
    const commits = async () =>
      (await git.log({ fs, gitdir: bare, ref: 'main' })).length;

    /** One backend replica: its own clone, its own publisher, the shared database. */
    async function replica(
      knex: Knex,
      name: string,
      options: { confirmRemovals?: ConfirmRemovals } = {},
    ) {
      const database = mockServices.database({ knex });
      const services = await DatabaseServiceStore.create({ database });
      const outbox = await GitOpsOutboxStore.create({ database });
      const logger = mockServices.logger.mock();
      const repository = new GitOpsRepository({
        remote: bare,
        workDir: path.join(root, name),
      });
      const publisher = new GitOpsPublisher({
        writer: new CommitModeWriter(
          repository,
          author,
          logger,
          async () => POPS,
        ),
        outbox,
        services,
        timeline: await TimelineStore.create({ database }),
        logger,
        ...options,
      });
      const provisioner = new GitOpsProvisioner(
        outbox,
        services,
        publisher,
        repository,
      );
      /** Runs a change of the store with the provisioner's hand-over, as a route does. */
      const change = async (
        run: (
          inTransaction: (
            tx: Knex.Transaction,
            r: ServiceRecord,
          ) => Promise<void>,
        ) => Promise<ServiceRecord>,
        handOver: (
          tx: Knex.Transaction,
          record: ServiceRecord,
        ) => Promise<HandOver>,
        wait = true,
      ) => {
        let recorded: HandOver;
        const record = await run(async (tx, r) => {
          recorded = await handOver(tx, r);
        });
        if (wait) await provisioner.handedOver(recorded);
        return record;
      };
      const create = (dbName: string, wait = true) =>
        change(
          inTx =>
            services.createService(
              {
                tenant: TENANT,
                organization: 'group:default/acme',
                name: dbName,
                spec,
                createdBy: 'user:default/ada',
              },
              inTx,
            ),
          (tx, r) => provisioner.apply(r, tx),
          wait,
        );
      await services.setQuota(TENANT, {
        instances: 500,
        storageGi: 100_000,
        cpu: 1_000,
        memoryGi: 4_000,
        backups: 100,
        cdcPipelines: 20,
      });
      const reconciler = new GitOpsReconciler({
        repository,
        outbox,
        services,
        logger,
        ...options,
      });
      return {
        services,
        outbox,
        publisher,
        provisioner,
        reconciler,
        repository,
        logger,
        change,
        create,
      };
    }

    it('never brings a database back that a delete raced', async () => {
      const knex = await databases.init(id);
      const portal = await replica(knex, 'a');
      const created = await portal.create('orders');
      expect(await filesAt()).toEqual(['tenants/payments/orders.yaml']);

      // An update and a delete recorded before the publisher gets to either.
      await portal.change(
        inTx =>
          portal.services.updateSpec(
            {
              id: created.id,
              generation: created.generation,
              spec: { ...spec, storage: { ...spec.storage, size: '200Gi' } },
            },
            inTx,
          ),
        (tx, r) => portal.provisioner.apply(r, tx),
        false,
      );
      await portal.change(
        inTx => portal.services.markDeleting(created.id, inTx),
        (tx, r) => portal.provisioner.remove(r, tx),
        false,
      );
      await portal.publisher.publishDue();

      expect(await filesAt()).toEqual([]);
      expect(await portal.outbox.backlog()).toEqual({ count: 0 });
      // Both changes are recorded as reaching the repository, in one commit.
      const timeline = await (
        await TimelineStore.create({
          database: mockServices.database({ knex }),
        })
      ).list(created.id);
      const [update, removal] = timeline.slice(-2);
      expect(update).toMatchObject({ step: 'committed', generation: 2 });
      expect(removal).toMatchObject({
        step: 'committed',
        detail: expect.stringMatching(/^removed in [0-9a-f]{40}$/),
      });
    });

    it('writes the waiting claims of many databases in one commit', async () => {
      const knex = await databases.init(id);
      const portal = await replica(knex, 'a');
      await portal.create('first');
      const before = await commits();
      for (let i = 0; i < 20; i++) await portal.create(`db-${i}`, false);

      await portal.publisher.publishDue();

      expect(await filesAt()).toHaveLength(21);
      expect(await commits()).toBe(before + 1);
      const [head] = await git.log({ fs, gitdir: bare, ref: 'main', depth: 1 });
      expect(head.commit.message).toMatch(
        /^Write the claims of 20 databases\n\n- Create database db-0 of group:default\/payments \(generation 1\)\n/,
      );
    });

    it('loses nothing of 100 concurrent creates on two replicas', async () => {
      const knex = await databases.init(id);
      const replicas = [await replica(knex, 'a'), await replica(knex, 'b')];
      // The layout commit first, so it does not race the claims.
      await replicas[0].create('first');

      const started = Date.now();
      const created = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          replicas[i % 2].create(`db-${String(i).padStart(3, '0')}`),
        ),
      );
      // A create waits 10 s for its commit, then answers with the claim still
      // queued (the API's `waiting`); on a loaded machine some do. Nothing may
      // be lost: the replicas write what is left.
      const deadline = Date.now() + 120_000;
      while (
        (await replicas[0].outbox.backlog()).count > 0 &&
        Date.now() < deadline
      ) {
        await Promise.all(replicas.map(r => r.publisher.publishDue()));
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      const elapsed = Date.now() - started;

      expect(await filesAt()).toHaveLength(101);
      expect(await replicas[0].outbox.backlog()).toEqual({ count: 0 });
      for (const { id: serviceId } of created) {
        const record = await replicas[0].services.getService(serviceId);
        expect(record?.gitops?.path).toBe(
          `tenants/payments/${record?.name}.yaml`,
        );
      }
      // Batched: far fewer commits than claims.
      expect(await commits()).toBeLessThan(60);
      // eslint-disable-next-line no-console
      console.log(
        `100 concurrent creates on two replicas (${id}): ${elapsed} ms, ${await commits()} commits`,
      );
    });

    it('repairs the repository where it differs from the databases', async () => {
      const knex = await databases.init(id);
      const portal = await replica(knex, 'a');
      const kept = await portal.create('kept');
      const lost = await portal.create('lost');
      const going = await portal.create('going');

      // The repository drifts: a claim lost, one changed by hand, one of a
      // database the portal never recorded, a file people wrote.
      const edited = (await portal.repository.readFile(
        'tenants/payments/kept.yaml',
      ))!.replace(/region: lagos/, 'region: frankfurt');
      const stray = `apiVersion: dbaas.io/v1alpha1\nkind: ServiceClaim\nmetadata:\n  name: ghost\n  labels:\n    dbaas.io/service-id: 00000000-0000-4000-8000-000000000000\n`;
      await portal.repository.commit(
        [
          { path: 'tenants/payments/lost.yaml', content: null },
          { path: 'tenants/payments/kept.yaml', content: edited },
          { path: 'tenants/payments/ghost.yaml', content: stray },
          { path: 'tenants/payments/notes.yaml', content: 'people: wrote\n' },
        ],
        'Drift',
        author,
      );
      // A database being deleted whose removal has not been written yet.
      await knex('service_instances')
        .where({ id: going.id })
        .update({ status: 'Deleting' });

      const repairs = await portal.reconciler.reconcile();
      expect(repairs.map(r => `${r.path} ${r.kind}`).sort()).toEqual([
        'tenants/payments/going.yaml remove',
        'tenants/payments/kept.yaml apply',
        'tenants/payments/lost.yaml apply',
      ]);
      await portal.publisher.publishDue();

      // A claim of a database the portal never recorded is reported, not
      // removed: the portal's database may be the older side.
      expect(await filesAt()).toEqual([
        'tenants/payments/ghost.yaml',
        'tenants/payments/kept.yaml',
        'tenants/payments/lost.yaml',
        'tenants/payments/notes.yaml',
      ]);
      expect(portal.logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          'tenants/payments/ghost.yaml (database 00000000-0000-4000-8000-000000000000)',
        ),
      );
      const claimOf = (name: string) =>
        portal.repository.readFile(`tenants/payments/${name}.yaml`);
      expect(await claimOf('kept')).toContain(kept.id);
      expect(await claimOf('kept')).toContain('region: lagos');
      expect(await claimOf('lost')).toContain(lost.id);
      // Compared again, nothing differs.
      expect(await portal.reconciler.reconcile()).toEqual([]);
    });

    describe('where no cluster is watched', () => {
      const removeThrough = (
        portal: Awaited<ReturnType<typeof replica>>,
        record: ServiceRecord,
      ) =>
        portal.change(
          inTx => portal.services.markDeleting(record.id, inTx),
          (tx, r) => portal.provisioner.remove(r, tx),
        );

      it('ends a database whose removal is committed, and the comparison ends one it missed', async () => {
        const knex = await databases.init(id);
        const ended: { id: string; sha: string }[] = [];
        let failing = true;
        // Ends them as the status watch's confirmRemovals does.
        const store = await DatabaseServiceStore.create({
          database: mockServices.database({ knex }),
        });
        const portal = await replica(knex, 'a', {
          confirmRemovals: async removals => {
            if (failing) throw new Error('The database went away');
            for (const { record, sha } of removals) {
              await store.recordClusterReport({
                type: 'DELETED',
                serviceId: record.id,
                namespace: 'tenant-payments',
                name: record.name,
                observedAt: new Date(),
              });
              ended.push({ id: record.id, sha });
            }
          },
        });
        const missed = await portal.create('missed');
        await removeThrough(portal, missed);
        expect(portal.logger.error).toHaveBeenCalledWith(
          expect.stringContaining(`database ${missed.id}`),
          expect.anything(),
        );
        expect(ended).toEqual([]);

        failing = false;
        const orders = await portal.create('orders');
        await removeThrough(portal, orders);
        const sha = (await portal.services.getClaimState(orders.id))!.record
          .gitops!.commitSha;
        expect(ended).toEqual([{ id: orders.id, sha }]);

        // The row is left Deleting by the failure above: compared, it ends.
        await portal.reconciler.reconcile();
        expect(ended.map(e => e.id)).toEqual([orders.id, missed.id]);
      });

      it('keeps a database Deleting when its removal is only proposed, and says so', async () => {
        const knex = await databases.init(id);
        const database = mockServices.database({ knex });
        const services = await DatabaseServiceStore.create({ database });
        const outbox = await GitOpsOutboxStore.create({ database });
        const timeline = await TimelineStore.create({ database });
        const confirmRemovals = jest.fn(async () => {});
        const publisher = new GitOpsPublisher({
          // A pull request mode writer: it proposes, and cannot see a merge.
          writer: {
            batches: false,
            updateLayout: async () => {},
            write: async () => ({
              sha: 'a'.repeat(40),
              pullRequestUrl: 'https://github.example.com/acme/gitops/pull/7',
            }),
          },
          outbox,
          services,
          timeline,
          logger: mockServices.logger.mock(),
          confirmRemovals,
        });
        const provisioner = new GitOpsProvisioner(outbox, services, publisher, {
          readFile: async () => undefined,
        });
        let handOver: HandOver;
        const record = await services.createService({
          tenant: TENANT,
          organization: 'group:default/acme',
          name: 'orders',
          spec,
          createdBy: 'user:default/ada',
        });
        await services.markDeleting(record.id, async (tx, r) => {
          handOver = await provisioner.remove(r, tx);
        });
        await provisioner.handedOver(handOver);

        expect(confirmRemovals).not.toHaveBeenCalled();
        expect((await services.getService(record.id))?.status).toBe('Deleting');
        expect((await timeline.list(record.id)).at(-1)).toMatchObject({
          step: 'committed',
          detail: expect.stringMatching(
            /proposed in https:\/\/github\.example\.com\/acme\/gitops\/pull\/7; no cluster confirms removals in this setup and the portal does not see the merge, so the database stays Deleting$/,
          ),
        });
      });
    });
  },
);
