import { resolvePackagePath } from '@backstage/backend-plugin-api';
import path from 'node:path';

/** The repository's root folder: this package lives in packages/test-services. */
export const repoRoot = path.resolve(
  resolvePackagePath('@internal/test-services'),
  '../..',
);
