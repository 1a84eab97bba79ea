import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import yaml from 'js-yaml';
import { eventually } from '@internal/test-services';
import { PAYMENTS, startDbaasBackend } from '../__testUtils__/dbaasTestBackend';

jest.setTimeout(60_000);

const ADA = 'user:default/ada';

describe('the GitOps provisioner behind the API', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-gitops-api-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const git = (repo: string, ...args: string[]) =>
    execFileSync('git', [`--git-dir=${repo}`, ...args], { encoding: 'utf8' });

  const claimAtHead = (repo: string) =>
    yaml.load(git(repo, 'show', 'main:tenants/payments/orders.yaml')) as {
      spec: { storage: { size: string } };
    };

  it('commits a new database\u2019s claim, its changes, and its removal', async () => {
    const repo = path.join(dir, 'gitops.git');
    const backend = await startDbaasBackend({
      config: { gitops: { localPath: repo } },
    });
    const api = (
      method: 'post' | 'put' | 'delete',
      url: string,
      body?: object,
    ) =>
      request(backend.server)
        [method](`/api/dbaas/v1${url}`)
        .set('Authorization', backend.as(ADA))
        .send(body);
    try {
      const created = await api('post', '/services', {
        name: 'orders',
        tenant: PAYMENTS,
        engine: 'postgresql',
        plan: 'dedicated',
        region: 'lagos',
      });
      expect(created.status).toBe(201);
      const head = git(repo, 'rev-parse', 'main').trim();
      expect(created.body.gitops).toEqual({
        path: 'tenants/payments/orders.yaml',
        commitSha: head,
      });
      expect(created.body.timeline).toEqual([
        expect.objectContaining({
          step: 'committed',
          generation: 1,
          detail: head,
        }),
      ]);
      expect(claimAtHead(repo)).toMatchObject({
        apiVersion: 'dbaas.io/v1alpha1',
        kind: 'ServiceClaim',
        metadata: {
          name: 'orders',
          namespace: 'tenant-payments',
          labels: { 'dbaas.io/service-id': created.body.id },
        },
        spec: { engine: 'postgresql', plan: 'dedicated', region: 'lagos' },
      });
      // A commit of its own laid the repository out for Argo CD first.
      expect(git(repo, 'ls-tree', '--name-only', 'main')).toMatch(
        /argocd\nbase\noverlays\ntenants/,
      );
      expect(git(repo, 'log', '--format=%s', 'main')).toBe(
        'Create database orders of group:default/payments (generation 1)\nLay out the GitOps repository\n',
      );

      const fetched = await request(backend.server)
        .get(`/api/dbaas/v1/services/${created.body.id}`)
        .set('Authorization', backend.as(ADA));
      expect(fetched.body.gitops).toEqual(created.body.gitops);

      const resized = await api('put', `/services/${created.body.id}`, {
        config: { storageSize: '500Gi' },
      });
      expect(resized.status).toBe(200);
      expect(claimAtHead(repo).spec.storage.size).toBe('500Gi');

      const deleted = await api('delete', `/services/${created.body.id}`);
      expect(deleted.status).toBe(202);
      expect(git(repo, 'ls-tree', '-r', '--name-only', 'main')).not.toContain(
        'tenants/payments/orders.yaml',
      );
      expect(git(repo, 'log', '--format=%s', 'main')).toMatch(
        /^Decommission database orders of group:default\/payments\nUpdate database orders .*\(generation 2\)\nCreate database orders .*\(generation 1\)/,
      );
    } finally {
      await backend.stop();
    }
  });

  it('keeps a change the repository does not take, and commits it once it does', async () => {
    const repo = path.join(dir, 'gitops.git');
    const backend = await startDbaasBackend({
      config: { gitops: { localPath: repo } },
    });
    try {
      // The repository is replaced under the running portal by something that
      // is not one: nothing can be pushed.
      fs.renameSync(repo, `${repo}.away`);
      fs.writeFileSync(repo, 'not a repository');
      const created = await request(backend.server)
        .post('/api/dbaas/v1/services')
        .set('Authorization', backend.as(ADA))
        .send({
          name: 'orders',
          tenant: PAYMENTS,
          engine: 'postgresql',
          plan: 'shared',
          region: 'lagos',
        });
      // Recorded, not yet committed: no commit, no committed step.
      expect(created.status).toBe(201);
      expect(created.body.gitops).toBeUndefined();
      expect(created.body.timeline).toEqual([]);
      const list = await request(backend.server)
        .get('/api/dbaas/v1/services')
        .set('Authorization', backend.as(ADA));
      expect(list.body.pagination.total).toBe(1);

      // The repository is back: the publisher commits the waiting claim.
      fs.rmSync(repo);
      fs.renameSync(`${repo}.away`, repo);
      const committed = await eventually(
        'the waiting claim is committed',
        async () =>
          (
            await request(backend.server)
              .get(`/api/dbaas/v1/services/${created.body.id}`)
              .set('Authorization', backend.as(ADA))
          ).body.gitops,
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(committed).toEqual({
        path: 'tenants/payments/orders.yaml',
        commitSha: git(repo, 'rev-parse', 'main').trim(),
      });
      expect(claimAtHead(repo)).toMatchObject({ spec: { storage: {} } });
    } finally {
      await backend.stop();
    }
  });

  it('hands a manual backup to the cluster as an annotation on the claim, which later commits keep', async () => {
    const repo = path.join(dir, 'gitops.git');
    const backend = await startDbaasBackend({
      config: { gitops: { localPath: repo } },
    });
    const api = (method: 'get' | 'post' | 'put', url: string, body?: object) =>
      request(backend.server)
        [method](`/api/dbaas/v1${url}`)
        .set('Authorization', backend.as(ADA))
        .send(body);
    const annotations = () =>
      (
        yaml.load(git(repo, 'show', 'main:tenants/payments/orders.yaml')) as {
          metadata: { annotations: Record<string, string> };
        }
      ).metadata.annotations;
    try {
      const created = await api('post', '/services', {
        name: 'orders',
        tenant: PAYMENTS,
        engine: 'postgresql',
        plan: 'dedicated',
        region: 'lagos',
      });
      expect(annotations()['dbaas.io/backup-request']).toBeUndefined();

      const backup = await api('post', `/services/${created.body.id}/backups`, {
        description: 'Before the migration',
      });
      expect(backup.status).toBe(201);
      expect(annotations()['dbaas.io/backup-request']).toBe(backup.body.id);
      expect(git(repo, 'log', '-1', '--format=%s', 'main')).toBe(
        `Back up database orders of group:default/payments (backup ${backup.body.id})\n`,
      );
      const details = await api('get', `/services/${created.body.id}`);
      expect(details.body.timeline.at(-1)).toMatchObject({
        step: 'committed',
        detail: expect.stringMatching(
          new RegExp(`^backup ${backup.body.id} requested in [0-9a-f]{40}$`),
        ),
      });

      // A later change is written from the record: the request stays.
      await api('put', `/services/${created.body.id}`, {
        config: { storageSize: '500Gi' },
      });
      expect(claimAtHead(repo).spec.storage.size).toBe('500Gi');
      expect(annotations()['dbaas.io/backup-request']).toBe(backup.body.id);

      // A request the repository does not take waits, recorded, and reaches
      // the claim once the repository is back.
      const head = git(repo, 'rev-parse', 'main');
      fs.renameSync(repo, `${repo}.away`);
      fs.writeFileSync(repo, 'not a repository');
      const waiting = await api(
        'post',
        `/services/${created.body.id}/backups`,
        {},
      );
      expect(waiting.status).toBe(201);
      fs.rmSync(repo);
      fs.renameSync(`${repo}.away`, repo);
      expect(git(repo, 'rev-parse', 'main')).toBe(head);
      const list = await api('get', `/services/${created.body.id}/backups`);
      expect(list.body.data.map((b: { id: string }) => b.id).sort()).toEqual(
        [backup.body.id, waiting.body.id].sort(),
      );
      await eventually(
        'the waiting backup request is committed',
        () => annotations()['dbaas.io/backup-request'] === waiting.body.id,
        { timeoutMs: 60_000, intervalMs: 500 },
      );
    } finally {
      await backend.stop();
    }
  });
});
