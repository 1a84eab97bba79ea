import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * Writes a claim manifest into the task workspace at `{targetPath}/{claimPath}`,
 * the GitOps repository's own layout, and returns the file's path. The target
 * comes from the template, so the result is checked to stay inside the
 * workspace, symlinks included, before anything is written.
 */
export async function writeManifestToWorkspace(options: {
  workspacePath: string;
  targetPath: string;
  claimPath: string;
  manifest: string;
}): Promise<string> {
  const { workspacePath, targetPath, claimPath, manifest } = options;
  const file = resolveSafeChildPath(workspacePath, join(targetPath, claimPath));
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, manifest, 'utf8');
  return file;
}
