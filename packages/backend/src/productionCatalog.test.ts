import { ConfigReader } from '@backstage/config';
import {
  stringifyEntityRef,
  type Entity,
  type LocationEntity,
} from '@backstage/catalog-model';
import { repoRoot } from '@internal/test-services';
import yaml from 'js-yaml';
import fs from 'node:fs';
import path from 'node:path';

const load = (file: string) =>
  yaml.load(fs.readFileSync(path.join(repoRoot, file), 'utf8')) as any;

/**
 * Every entity the catalog reads from the `catalog.locations` of these config
 * files (later ones over earlier ones, as `--config` layers them), following Location
 * entities; file targets are resolved from `cwd`, as the backend does.
 */
function catalogEntities(cwd: string, ...files: string[]): Entity[] {
  const config = ConfigReader.fromConfigs(
    files.map(file => ({ context: file, data: load(file) })),
  );
  const entities: Entity[] = [];
  const read = (file: string) => {
    for (const entity of yaml.loadAll(
      fs.readFileSync(file, 'utf8'),
    ) as Entity[]) {
      entities.push(entity);
      if (entity.kind === 'Location') {
        const { target, targets = [] } = (entity as LocationEntity).spec;
        for (const next of [...(target ? [target] : []), ...targets]) {
          read(path.resolve(path.dirname(file), next));
        }
      }
    }
  };
  for (const location of config.getConfigArray('catalog.locations')) {
    expect(location.getString('type')).toBe('file');
    read(path.resolve(cwd, location.getString('target')));
  }
  return entities;
}

const usersOf = (entities: Entity[]) =>
  entities.filter(entity => entity.kind === 'User');

describe('the catalog data the portal ships', () => {
  it('has no guest in production, and every production user signs in by Keycloak id', () => {
    // app-config.production.yaml's targets are relative to the repository root.
    const users = usersOf(
      catalogEntities(
        repoRoot,
        'app-config.yaml',
        'app-config.production.yaml',
      ),
    );
    expect(users.map(user => stringifyEntityRef(user))).not.toContain(
      'user:default/guest',
    );
    expect(users.length).toBeGreaterThan(0);
    for (const user of users) {
      expect(user.metadata.annotations?.['keycloak.org/id']).toMatch(
        /^[0-9a-f-]{36}$/,
      );
    }
  });

  it('keeps the guest of the embedded defaults, a member of a tenant team', () => {
    // app-config.yaml's targets are relative to packages/backend.
    const guest = usersOf(
      catalogEntities(
        path.join(repoRoot, 'packages/backend'),
        'app-config.yaml',
      ),
    ).find(user => user.metadata.name === 'guest');
    expect(guest?.spec?.memberOf).toEqual(['payments']);
    expect(load('app-config.yaml').auth.providers.guest.userEntityRef).toBe(
      'user:default/guest',
    );
  });
});
