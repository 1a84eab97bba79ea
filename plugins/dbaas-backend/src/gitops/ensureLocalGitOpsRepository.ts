import fs from 'node:fs';
import git from 'isomorphic-git';

/**
 * Creates the bare GitOps repository of the embedded defaults at `path` unless
 * one is there already. Returns whether it created it.
 *
 * The repository stays empty until the first claim is committed; the provisioner
 * writes the initial layout then, so an existing repository is never touched here.
 */
export async function ensureLocalGitOpsRepository(
  path: string,
): Promise<boolean> {
  if (fs.existsSync(path)) {
    if (!fs.existsSync(`${path}/HEAD`)) {
      throw new Error(
        `dbaas.gitops.localPath ${path} exists but is not a bare git repository`,
      );
    }
    return false;
  }
  await fs.promises.mkdir(path, { recursive: true });
  await git.init({
    fs,
    dir: path,
    gitdir: path,
    bare: true,
    defaultBranch: 'main',
  });
  return true;
}
