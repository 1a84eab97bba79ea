import fs from 'node:fs';
import git, { type TreeEntry } from 'isomorphic-git';
import { InputError, NotAllowedError } from '@backstage/errors';

/**
 * What one commit does to a path: a blob to put there, or null to delete it;
 * `onlyIfMissing` leaves a file that is there as it is.
 */
export type Edit = { blob: string | null; onlyIfMissing?: boolean };

/** A file the edits changed, by its path from the repository root. */
export type FileChange = {
  path: string;
  change: 'added' | 'rewritten' | 'removed';
};

/**
 * Where trees are read and written. The head's trees are read where the
 * transport fetched them to (`objects`); new ones go into the clone
 * (`gitdir`), from which a push copies them.
 */
export type TreeStore = { objects: string; gitdir: string; cache: object };

/**
 * The tree `oid` with the edits (by path below it) made; undefined when
 * nothing is left in it, as git has no empty folders. Only the folders on an
 * edited path are read and written again; an unchanged tree keeps its oid, which
 * is how a commit that changes nothing is recognised.
 */
export async function editTree(
  store: TreeStore,
  oid: string | undefined,
  edits: Map<string, Edit>,
  prefix: string,
  changes: FileChange[],
): Promise<string | undefined> {
  const entries = new Map<string, TreeEntry>(
    oid
      ? (
          await git.readTree({
            fs,
            gitdir: store.objects,
            oid,
            cache: store.cache,
          })
        ).tree.map(entry => [entry.path, entry])
      : [],
  );
  let changed = false;
  const below = new Map<string, Map<string, Edit>>();
  for (const [editPath, edit] of edits) {
    const slash = editPath.indexOf('/');
    if (slash >= 0) {
      const name = editPath.slice(0, slash);
      if (!below.has(name)) below.set(name, new Map());
      below.get(name)!.set(editPath.slice(slash + 1), edit);
      continue;
    }
    const existing = entries.get(editPath);
    if (edit.onlyIfMissing && (existing || edit.blob === null)) continue;
    if (existing?.type === 'tree') {
      throw new InputError(
        `GitOps path ${prefix}${editPath} is a folder in the repository, not a file`,
      );
    }
    if (edit.blob === null) {
      if (entries.delete(editPath)) {
        changes.push({ path: prefix + editPath, change: 'removed' });
        changed = true;
      }
    } else if (existing?.oid !== edit.blob || existing.mode !== '100644') {
      entries.set(editPath, {
        mode: '100644',
        path: editPath,
        oid: edit.blob,
        type: 'blob',
      });
      changes.push({
        path: prefix + editPath,
        change: existing ? 'rewritten' : 'added',
      });
      changed = true;
    }
  }
  for (const [name, subEdits] of below) {
    const existing = entries.get(name);
    if (existing && existing.type !== 'tree') {
      // Layout files go where people have not put something else.
      if ([...subEdits.values()].every(edit => edit.onlyIfMissing)) continue;
      // A file, or a symbolic link that git stores as one, where a folder
      // is needed: writing "through" it would be writing somewhere else.
      throw new NotAllowedError(
        `GitOps path goes through ${prefix}${name}, which is ${
          existing.mode === '120000' ? 'a symbolic link' : 'not a folder'
        } in the repository`,
      );
    }
    const subtree = await editTree(
      store,
      existing?.oid,
      subEdits,
      `${prefix}${name}/`,
      changes,
    );
    if (subtree === existing?.oid) continue;
    if (subtree) {
      entries.set(name, {
        mode: '040000',
        path: name,
        oid: subtree,
        type: 'tree',
      });
    } else {
      entries.delete(name);
    }
    changed = true;
  }
  if (!changed) return oid;
  if (entries.size === 0) return undefined;
  return git.writeTree({
    fs,
    gitdir: store.gitdir,
    tree: [...entries.values()],
  });
}
