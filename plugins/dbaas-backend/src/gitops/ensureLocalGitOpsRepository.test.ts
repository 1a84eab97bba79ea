import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import { ensureLocalGitOpsRepository } from './ensureLocalGitOpsRepository';

describe('ensureLocalGitOpsRepository', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbaas-gitops-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('creates a bare repository on main once, then leaves it alone', async () => {
    const dir = path.join(root, 'data', 'gitops.git');

    await expect(ensureLocalGitOpsRepository(dir)).resolves.toBe(true);
    expect(
      await git.getConfig({ fs, dir, gitdir: dir, path: 'core.bare' }),
    ).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'HEAD'), 'utf8').trim()).toBe(
      'ref: refs/heads/main',
    );
    fs.writeFileSync(path.join(dir, 'description'), 'kept');

    await expect(ensureLocalGitOpsRepository(dir)).resolves.toBe(false);
    expect(fs.readFileSync(path.join(dir, 'description'), 'utf8')).toBe('kept');
  });

  it('refuses a directory that is not a bare repository', async () => {
    fs.writeFileSync(path.join(root, 'notes.txt'), 'x');
    await expect(ensureLocalGitOpsRepository(root)).rejects.toThrow(
      `dbaas.gitops.localPath ${root} exists but is not a bare git repository`,
    );
  });
});
