import { mockCredentials } from '@backstage/backend-test-utils';
import { repoRoot } from '@internal/test-services';
import yaml from 'js-yaml';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import request from 'supertest';
import { startPortalTestBackend } from './__testUtils__/startPortalTestBackend';

jest.setTimeout(180_000);

const ADA = 'user:default/ada'; // of payments
const ROOT = 'user:default/root'; // a platform admin, who may dry-run templates
const PAYMENTS = 'group:default/payments';
const ORDERS = 'resource:default/payments.orders';

/** A day-2 template as the template editor sends it: the file, as an entity. */
const template = (name: string) =>
  yaml.load(
    fs.readFileSync(
      path.join(repoRoot, 'templates', name, 'template.yaml'),
      'utf8',
    ),
  ) as object;

type DryRunAnswer = {
  log: { body: { message: string; stepId?: string } }[];
  steps: { id: string }[];
};

// The template editor's dry run (`POST /api/scaffolder/v2/dry-run`) of every
// day-2 template of `templates/`, through the real scaffolder, the DBaaS
// actions and the DBaaS API of one backend: each step logs the diff of the
// claim its change would commit, and nothing is ordered, changed or committed.
describe('the day-2 templates in the template editor’s dry run', () => {
  let server: Server;
  let stop: () => Promise<void>;
  let dataDir: string;
  let gitDir: string;
  let serviceId: string;

  const as = (user: string) => mockCredentials.user.header(user);
  const api = (method: 'get' | 'post', url: string, user = ADA) =>
    request(server)
      [method](`/api/dbaas/v1${url}`)
      .set('Authorization', as(user));
  const dryRun = (name: string, values: object, user = ROOT) =>
    request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', as(user))
      .send({
        template: template(name),
        values,
        secrets: {},
        directoryContents: [],
      });
  /** The GitOps repository's commits, newest first. */
  const commits = () =>
    execFileSync('git', ['-C', gitDir, 'log', '--all', '--format=%H'], {
      encoding: 'utf8',
    });
  /** What a change would change: the database, the databases, the commits. */
  const state = async () => {
    const { body } = await api('get', `/services/${serviceId}`);
    return {
      database: [body.status, body.generation, body.config],
      databases: (await api('get', '/services')).body.data.length,
      commits: commits(),
    };
  };

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-day2-dry-run-'));
    gitDir = path.join(dataDir, 'gitops.git');
    const backend = await startPortalTestBackend({
      memberships: {
        [ADA]: [PAYMENTS],
        [ROOT]: ['group:default/platform'],
      },
      config: {
        backend: {
          database: {
            client: 'better-sqlite3',
            connection: { directory: dataDir },
          },
        },
        catalog: {
          rules: [{ allow: ['Group', 'User', 'Resource'] }],
          locations: [
            { type: 'file', target: path.join(repoRoot, 'catalog/org.yaml') },
            { type: 'file', target: path.join(repoRoot, 'catalog/pops.yaml') },
          ],
        },
        permission: { enabled: true },
        dbaas: {
          permissions: { platformAdmins: ['group:default/platform'] },
          gitops: { localPath: gitDir },
        },
      },
    });
    server = backend.server;
    stop = backend.stop;
    // The tenant's organization comes from the catalog, a moment after start.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const ordered = await api('post', '/services').send({
        name: 'orders',
        tenant: PAYMENTS,
        engine: 'postgresql',
        plan: 'dedicated',
        region: 'lagos',
        config: { version: '16', backup: { enabled: true } },
      });
      if (ordered.status === 201) {
        serviceId = ordered.body.id;
        break;
      }
      if (Date.now() > deadline) {
        throw new Error(`Could not order: ${JSON.stringify(ordered.body)}`);
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    // Its commit, which follows the order by a moment.
    while (!fs.existsSync(gitDir) || !commits().trim()) {
      if (Date.now() > deadline) throw new Error('The order was not committed');
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  });
  afterAll(async () => {
    await stop?.();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** The step's log lines; the run must have answered 200. */
  async function loggedBy(name: string, values: object): Promise<string> {
    const before = await state();
    const answer = await dryRun(name, { database: ORDERS, ...values });
    expect({
      status: answer.status,
      body: answer.status === 200 ? {} : answer.body,
    }).toEqual({
      status: 200,
      body: {},
    });
    expect(await state()).toEqual(before);
    return (answer.body as DryRunAnswer).log
      .map(l => l.body.message)
      .join('\n');
  }

  it('scale-database logs the new size in the claim', async () => {
    // A dedicated PostgreSQL is 3 replicas of 4 CPU / 16Gi.
    const log = await loggedBy('scale-database', { memory: '8Gi' });
    expect(log).toContain('instance size 4 CPU/16Gi \u2192 4 CPU/8Gi');
    expect(log).toContain(
      'its claim tenants/payments/orders.yaml would change',
    );
    expect(log).toContain('-      memory: 16Gi\n+      memory: 8Gi');
  });

  it('upgrade-database logs the new version in the claim', async () => {
    const log = await loggedBy('upgrade-database', { version: '17' });
    expect(log).toContain('version 16 \u2192 17');
    expect(log).toContain("+  version: '17'");
  });

  it('change-backup-schedule logs the new schedule in the claim', async () => {
    const log = await loggedBy('change-backup-schedule', {
      schedule: '30 3 * * *',
      retention: '14d',
    });
    expect(log).toContain('+    schedule: 30 3 * * *');
  });

  it('stream-database-changes logs the new pipeline in the claim', async () => {
    const log = await loggedBy('stream-database-changes', {
      name: 'orders-out',
      tables: ['public.orders'],
      snapshot: 'initial',
    });
    expect(log).toContain('CDC pipeline orders-out of public.orders added');
    expect(log).toMatch(/^\+ +- name: orders-out$/m);
  });

  it('decommission-database logs the claim removed', async () => {
    const log = await loggedBy('decommission-database', {
      confirmName: 'orders',
    });
    expect(log).toContain('+++ /dev/null');
    expect(log).toContain('a final backup is taken first');
  });

  it('restore-database logs the new database’s claim, naming the backup', async () => {
    const { body: backup } = await api(
      'post',
      `/services/${serviceId}/backups`,
    ).send({ description: 'before the dry run' });
    // Completed an hour ago, as the cluster reports it.
    const sqlite = new DatabaseSync(path.join(dataDir, 'dbaas.sqlite'));
    try {
      const completed = Date.now() - 3_600_000;
      sqlite
        .prepare(
          `UPDATE service_backups SET status = 'completed', started_at = ?, completed_at = ?, engine_backup_id = ? WHERE id = ?`,
        )
        .run(completed - 600_000, completed, '20261205T010000', backup.id);
    } finally {
      sqlite.close();
    }

    const log = await loggedBy('restore-database', {
      backupId: backup.id,
      targetName: 'orders-copy',
    });
    expect(log).toContain(
      `restore of backup ${backup.id} into the new database orders-copy`,
    );
    expect(log).toContain('--- /dev/null');
    expect(log).toContain('+++ b/tenants/payments/orders-copy.yaml');
    expect(log).toContain('+    backup: 20261205T010000');
  });

  it('is for template authors: a developer may not dry-run a template', async () => {
    const answer = await dryRun(
      'scale-database',
      { database: ORDERS, cpu: '4' },
      ADA,
    );
    expect(answer.status).toBe(403);
  });
});
