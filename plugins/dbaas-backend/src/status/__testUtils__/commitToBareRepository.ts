import fs from 'node:fs';
import git, { type TreeEntry } from 'isomorphic-git';

type Files = Record<string, string>;

/**
 * Commits `files` as the whole content of branch `main` of a bare repository, the
 * way the portal's GitOps commits land there, without a working tree. Returns the
 * commit's sha.
 */
export async function commitToBareRepository(
  gitdir: string,
  files: Files,
  message: string,
): Promise<string> {
  const tree = await writeTree(gitdir, files);
  const parent = await git
    .resolveRef({ fs, gitdir, ref: 'refs/heads/main' })
    .then(
      sha => [sha],
      () => [],
    );
  return git.commit({
    fs,
    gitdir,
    ref: 'refs/heads/main',
    tree,
    parent,
    message,
    author: { name: 'Test', email: 'test@localhost' },
  });
}

async function writeTree(gitdir: string, files: Files): Promise<string> {
  const blobs: TreeEntry[] = [];
  const folders = new Map<string, Files>();
  for (const [filePath, content] of Object.entries(files)) {
    const [head, ...rest] = filePath.split('/');
    if (rest.length === 0) {
      const oid = await git.writeBlob({
        fs,
        gitdir,
        blob: Buffer.from(content, 'utf8'),
      });
      blobs.push({ mode: '100644', path: head, oid, type: 'blob' });
    } else {
      folders.set(head, { ...folders.get(head), [rest.join('/')]: content });
    }
  }
  const trees: TreeEntry[] = [];
  for (const [name, children] of folders) {
    trees.push({
      mode: '040000',
      path: name,
      oid: await writeTree(gitdir, children),
      type: 'tree',
    });
  }
  return git.writeTree({ fs, gitdir, tree: [...blobs, ...trees] });
}
