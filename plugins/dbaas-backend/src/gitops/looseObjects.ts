import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import git, {
  type CommitObject,
  type TagObject,
  type TreeObject,
} from 'isomorphic-git';
import { isNotFound } from './isNotFound';

function looseObjectPath(gitdir: string, oid: string): string {
  return path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2));
}

async function hasObject(
  gitdir: string,
  oid: string,
  cache: object,
): Promise<boolean> {
  if (fs.existsSync(looseObjectPath(gitdir, oid))) return true;
  try {
    // Packed objects (after a `git gc`); 'deflated' avoids inflating loose ones.
    await git.readObject({ fs, gitdir, oid, format: 'deflated', cache });
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/**
 * Writes a loose object to a temporary file and renames it into place, as git
 * does, so a reader of the shared repository never sees half an object.
 * (isomorphic-git writes in place.)
 */
async function writeLooseObject(
  gitdir: string,
  oid: string,
  type: string,
  content: Uint8Array,
): Promise<void> {
  const file = looseObjectPath(gitdir, oid);
  await fs.promises.mkdir(path.dirname(file), { recursive: true });
  const temp = path.join(
    path.dirname(file),
    `tmp_obj_${randomBytes(6).toString('hex')}`,
  );
  const wrapped = Buffer.concat([
    Buffer.from(`${type} ${content.length}\0`),
    content,
  ]);
  await fs.promises.writeFile(temp, deflateSync(wrapped));
  await fs.promises.rename(temp, file);
}

/** The objects an object names: what has to be there before it. */
function childrenOf(type: string, object: unknown): string[] {
  switch (type) {
    case 'commit':
      return [
        (object as CommitObject).tree,
        ...(object as CommitObject).parent,
      ];
    case 'tree':
      // Submodule entries name commits of other repositories.
      return (object as TreeObject)
        .filter(entry => entry.type !== 'commit')
        .map(entry => entry.oid);
    case 'tag':
      return [(object as TagObject).object];
    default:
      return [];
  }
}

/**
 * Copies what `tip` needs from one repository into another, stopping at objects
 * the destination has: what a commit added, when pushing it. Objects are
 * written below-first (trees before the commit that names them, parents before
 * children), so an object that is there always has everything under it there
 * too, even after a crash half-way.
 */
export async function copyObjects(
  from: string,
  to: string,
  tip: string,
  cache: object,
): Promise<void> {
  const stack: { oid: string; expanded: boolean }[] = [
    { oid: tip, expanded: false },
  ];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    if (top.expanded) {
      stack.pop();
      const { type, object } = await git.readObject({
        fs,
        gitdir: from,
        oid: top.oid,
        format: 'content',
        cache,
      });
      await writeLooseObject(to, top.oid, type, object as Uint8Array);
      continue;
    }
    if (seen.has(top.oid) || (await hasObject(to, top.oid, cache))) {
      stack.pop();
      continue;
    }
    seen.add(top.oid);
    top.expanded = true;
    const parsed = await git.readObject({
      fs,
      gitdir: from,
      oid: top.oid,
      format: 'parsed',
      cache,
    });
    const children = childrenOf(parsed.type, parsed.object);
    for (const oid of children) stack.push({ oid, expanded: false });
  }
}
