import { ConfigReader } from '@backstage/config';
import { repoRoot } from '@internal/test-services';
import yaml from 'js-yaml';
import fs from 'node:fs';
import path from 'node:path';
import { readKeycloakSignInOptions } from './keycloakSignInOptions';

const load = (file: string) =>
  yaml.load(fs.readFileSync(path.join(repoRoot, file), 'utf8')) as object;

/** The backend's config from these files, later ones over earlier ones, as `--config` layers them. */
const configOf = (...files: string[]) =>
  ConfigReader.fromConfigs(
    files.map(file => ({ context: file, data: load(file) as any })),
  );

describe('readKeycloakSignInOptions', () => {
  it('trusts the catalog locations whose rules allow users, as the catalog names their origin', () => {
    const options = readKeycloakSignInOptions(
      new ConfigReader({
        catalog: {
          rules: [{ allow: ['Component', 'User'] }],
          locations: [
            {
              type: 'file',
              target: '../../catalog/all.yaml',
              rules: [{ allow: ['Group', 'user'] }],
            },
            {
              type: 'url',
              target: 'https://git.example.com/org/people.yaml',
              rules: [{ allow: ['User'] }],
            },
            // Users are not allowed from here, so none from here is trusted.
            {
              type: 'url',
              target: 'https://git.example.com/org/systems.yaml',
              rules: [{ allow: ['System'] }],
            },
            { type: 'file', target: '/srv/unruled.yaml' },
          ],
        },
      }),
    );
    expect(options.trustedOrigins).toEqual([
      `file:${path.resolve('../../catalog/all.yaml')}`,
      'url:https://git.example.com/org/people.yaml',
    ]);
  });

  it('keeps the username fallback off unless configured', () => {
    expect(
      readKeycloakSignInOptions(new ConfigReader({})).usernameFallback,
    ).toBe(false);
    expect(
      readKeycloakSignInOptions(
        new ConfigReader({ auth: { keycloak: { usernameFallback: true } } }),
      ).usernameFallback,
    ).toBe(true);
  });

  it('trusts the users of each Keycloak realm source under their admin API URL', () => {
    expect(
      readKeycloakSignInOptions(
        new ConfigReader({
          catalog: {
            providers: {
              keycloakOrg: {
                dbaas: { baseUrl: 'https://sso.example', realm: 'dbaas' },
                other: { baseUrl: 'https://other.example' },
              },
            },
          },
        }),
      ).keycloakUserOrigins,
    ).toEqual([
      'url:https://sso.example/admin/realms/dbaas/users/',
      'url:https://other.example/admin/realms/master/users/',
    ]);
  });

  it('production trusts its organization data only, without the guest, and resolves by Keycloak id alone', () => {
    // Production runs from the repository root (app-config.production.yaml's
    // targets are relative to it).
    const cwd = process.cwd();
    process.chdir(repoRoot);
    try {
      const config = configOf('app-config.yaml', 'app-config.production.yaml');
      expect(readKeycloakSignInOptions(config)).toEqual({
        trustedOrigins: [`file:${path.join(repoRoot, 'catalog/all.yaml')}`],
        keycloakUserOrigins: [],
        usernameFallback: false,
      });
      const resolvers = config
        .getConfigArray('auth.providers.oidc.production.signIn.resolvers')
        .map(resolver => resolver.getString('resolver'));
      expect(resolvers).toEqual([
        'keycloakSubjectMatchingUserEntityAnnotation',
      ]);
    } finally {
      process.chdir(cwd);
    }
  });
});
