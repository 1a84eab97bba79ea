import { readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/<pid>/stat; 100 on Linux everywhere it matters. */
export const TICKS_PER_SECOND = 100;

/**
 * User and system CPU of a process so far, in ticks; undefined when it is gone
 * or unreadable. With `children`, also that of its children it has waited for:
 * the `git` and `kustomize` runs of Argo CD's repo-server, the `git
 * http-backend` runs of the git server, the portal's `git` commits.
 */
export async function cpuTicksOf(
  pid: number,
  options: { children?: boolean } = {},
): Promise<number | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which may hold spaces: state is
    // field 3, utime 14, stime 15, cutime 16 and cstime 17.
    const fields = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    const own = fields[11] + fields[12];
    return options.children ? own + fields[13] + fields[14] : own;
  } catch {
    return undefined;
  }
}
