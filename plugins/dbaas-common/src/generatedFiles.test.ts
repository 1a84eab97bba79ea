import fs from 'node:fs';
import path from 'node:path';
import { generatedFiles } from './generatedFiles';

const repoRoot = path.resolve(__dirname, '../../..');

describe('generatedFiles', () => {
  it.each(generatedFiles().map(file => [file.path, file.content]))(
    '%s is up to date',
    (file, content) => {
      const committed = fs.existsSync(path.join(repoRoot, file))
        ? fs.readFileSync(path.join(repoRoot, file), 'utf8')
        : '';
      // A message that says what to do, rather than a diff of a long file.
      expect(
        committed === content
          ? 'up to date'
          : `${file} is stale: run \`yarn generate\` and commit the result`,
      ).toBe('up to date');
    },
  );
});
