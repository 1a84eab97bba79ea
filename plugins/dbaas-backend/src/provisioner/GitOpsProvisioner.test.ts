import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import yaml from 'js-yaml';
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

  it('undoes the change when the claim cannot be committed', async () => {
    const repo = path.join(dir, 'gitops.git');
    const backend = await startDbaasBackend({
      config: { gitops: { localPath: repo } },
    });
    try {
      // The repository is replaced under the running portal by something that
      // is not one: nothing can be pushed.
      fs.rmSync(repo, { recursive: true, force: true });
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
      expect(created.status).toBe(503);
      expect(created.body.error.message).toBe(
        'The GitOps repository did not take the claim, so the change was not made; try again',
      );
      const list = await request(backend.server)
        .get('/api/dbaas/v1/services')
        .set('Authorization', backend.as(ADA));
      expect(list.body.pagination.total).toBe(0);
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

      // A request the repository does not take is not recorded.
      const head = git(repo, 'rev-parse', 'main');
      fs.renameSync(repo, `${repo}.away`);
      fs.writeFileSync(repo, 'not a repository');
      const refused = await api(
        'post',
        `/services/${created.body.id}/backups`,
        {},
      );
      expect(refused.status).toBe(503);
      fs.rmSync(repo);
      fs.renameSync(`${repo}.away`, repo);
      expect(git(repo, 'rev-parse', 'main')).toBe(head);
      const list = await api('get', `/services/${created.body.id}/backups`);
      expect(list.body.data.map((b: { id: string }) => b.id)).toEqual([
        backup.body.id,
      ]);
      // ... and does not replace the request the claim carries.
      await api('put', `/services/${created.body.id}`, {
        config: { storageSize: '600Gi' },
      });
      expect(annotations()['dbaas.io/backup-request']).toBe(backup.body.id);
    } finally {
      await backend.stop();
    }
  });
});
