import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';

const directory = resolvePackagePath(
  '@internal/backstage-plugin-dbaas-backend',
  'migrations',
);
// In `sha256sum` format, so that `sha256sum -c SHA256SUMS` checks it too.
const LIST = 'SHA256SUMS';

function sha256(file: string): string {
  return createHash('sha256')
    .update(fs.readFileSync(path.join(directory, file)))
    .digest('hex');
}

/** The migrations as they landed: file name → checksum. */
function landed(): Map<string, string> {
  const lines = fs
    .readFileSync(path.join(directory, LIST), 'utf8')
    .split('\n')
    .filter(line => line.trim() !== '');
  return new Map(
    lines.map(line => {
      const [checksum, file] = line.split(/\s+\*?/);
      return [file, checksum];
    }),
  );
}

// A database that ran a migration never runs it again: an edited migration
// leaves existing installations on the old schema, and a renamed one runs twice
// or makes knex refuse to start. Change the schema with a new migration.
describe('landed migrations', () => {
  const files = fs.readdirSync(directory).filter(file => file !== LIST);
  const list = landed();

  it.each([...list])('%s is unchanged', (file, checksum) => {
    let problem = 'unchanged';
    if (!files.includes(file)) {
      problem = `migrations/${file} has landed and is gone: landed migrations are never renamed or deleted. Restore it.`;
    } else if (sha256(file) !== checksum) {
      problem = `migrations/${file} has landed and was edited: landed migrations are never changed. Restore it and write a new migration instead.`;
    }
    expect(problem).toBe('unchanged');
  });

  it('lists every migration', () => {
    const unlisted = files.filter(file => !list.has(file));
    expect(
      unlisted.length === 0
        ? 'all listed'
        : `A new migration must be added to migrations/${LIST}, which then keeps it unchanged: run\n` +
            `  cd plugins/dbaas-backend/migrations && sha256sum ${unlisted.join(
              ' ',
            )} >> ${LIST}`,
    ).toBe('all listed');
  });
});
