import { isDeepStrictEqual } from 'node:util';
import {
  ENGINE_IDS,
  type EngineId,
} from '@internal/backstage-plugin-dbaas-common';
import { claimCases, claimFrom, contextFor } from './__testUtils__/skuClaims';
import {
  ADMIN_USER,
  DATABASE_USER,
  PASSWORD_KEY,
  adminSecret,
  credentialsSecret,
  mongodbSystemUsersSecret,
} from './credentials';
import { AEROSPIKE_APP_ROLES } from './engines/aerospike';
import { SCYLLA_DEFAULT_SUPERUSER } from './engines/scyllaRoles';
import { renderClaim } from './renderClaim';
import { VITESS_INIT_DB_SQL } from './vitessInitDb';
import type { ClaimObject, RenderedResource } from './types';

type Rendered = {
  claim: ClaimObject;
  pop: string;
  primary: boolean;
  resources: RenderedResource[];
};

/** Every claim case, rendered in every PoP it runs in. */
const rendered: Rendered[] = claimCases().flatMap(c => {
  const claim = claimFrom(c.id, c.spec);
  return c.pops.map(pop => ({
    claim,
    pop,
    primary: pop === c.spec.region,
    resources: renderClaim(claim, contextFor(pop)),
  }));
});

function ofKind(resources: RenderedResource[], kind: string): any[] {
  return resources.filter(r => r.kind === kind);
}

/** A container's environment variable as `{ secret, key }` or `{ value }`. */
function envOf(container: any, name: string) {
  const variable = container.env.find((e: any) => e.name === name);
  if (!variable) return undefined;
  return variable.valueFrom?.secretKeyRef
    ? {
        secret: variable.valueFrom.secretKeyRef.name,
        key: variable.valueFrom.secretKeyRef.key,
      }
    : { value: variable.value };
}

const same = (a: unknown, b: unknown) => isDeepStrictEqual(a, b);

/**
 * Per engine: the facts about its rendered resources that keep the engine's
 * default administrator from being usable and wire the reported credentials,
 * each of which must hold (`true`) for every claim and PoP.
 */
const retiresDefaultAdministrator: Record<
  EngineId,
  (r: Rendered) => Record<string, boolean>
> = {
  postgresql: ({ resources }) => {
    const clusters = ofKind(resources, 'Cluster');
    return {
      // No `postgres` password, no superuser Secret: local socket only.
      'superuser access off': clusters.every(
        c => c.spec.enableSuperuserAccess === false && !c.spec.superuserSecret,
      ),
    };
  },
  yugabyte: ({ claim, resources }) => {
    const universes = ofKind(resources, 'YBUniverse');
    return {
      // YBA reads it in `default` (docs/engines.md, "YugabyteDB"): named
      // after this claim alone, never another tenant's.
      'YSQL password from a Secret of this claim alone': universes.every(
        u =>
          u.spec.enableYSQLAuth === true &&
          same(u.spec.ysqlPassword, {
            secretName: `${claim.metadata.namespace}.${claim.metadata.name}.ysql`,
          }),
      ),
      // And with it `cassandra`/`cassandra`.
      'YCQL off': universes.every(u => u.spec.enableYCQL === false),
    };
  },
  vitess: ({ claim, resources }) => ({
    'vtgate users from the credentials Secret': ofKind(
      resources,
      'VitessCluster',
    ).every(c =>
      c.spec.cells.every((cell: any) =>
        same(cell.gateway.authentication.static.secret, {
          name: credentialsSecret(claim)!.name,
          key: 'users.json',
        }),
      ),
    ),
    'no remote root or anonymous mysqld accounts': VITESS_INIT_DB_SQL.includes(
      "DROP USER IF EXISTS ''@'%', ''@'localhost', 'root'@'%';",
    ),
  }),
  mongodb: ({ claim, resources }) => {
    const clusters = ofKind(resources, 'PerconaServerMongoDB');
    return {
      'one user, in its own database, password from the Secret': clusters.every(
        r =>
          r.spec.users.length === 1 &&
          r.spec.users[0].name === DATABASE_USER.mongodb &&
          same(r.spec.users[0].passwordSecretRef, {
            name: credentialsSecret(claim)!.name,
            key: PASSWORD_KEY,
          }) &&
          r.spec.users[0].roles.every(
            (role: any) => role.db === r.spec.users[0].db,
          ),
      ),
      // The operator's system users get generated passwords of their own,
      // in a Secret that goes with the claim (never the operator's defaults).
      'system users from a generated Secret': clusters.every(
        r =>
          r.spec.secrets.users === mongodbSystemUsersSecret(claim)!.name &&
          Object.keys(mongodbSystemUsersSecret(claim)!.keys).includes(
            'MONGODB_USER_ADMIN_PASSWORD',
          ),
      ),
    };
  },
  dragonfly: ({ claim, resources }) => ({
    'requirepass from the credentials Secret': ofKind(
      resources,
      'Dragonfly',
    ).every(d =>
      same(d.spec.authentication, {
        passwordFromSecret: {
          name: credentialsSecret(claim)!.name,
          key: PASSWORD_KEY,
        },
      }),
    ),
  }),
  aerospike: ({ claim, resources }) => {
    const admin = adminSecret(claim)!.name;
    const clusters = ofKind(resources, 'AerospikeCluster');
    return {
      // The user the operator's webhook requires, with the generated password.
      'admin with the operator roles and the admin Secret': clusters.every(c =>
        c.spec.aerospikeAccessControl.users.some((u: any) =>
          same(u, {
            name: 'admin',
            secretName: admin,
            roles: ['sys-admin', 'user-admin'],
          }),
        ),
      ),
      // So that `admin` starts with that password, never `admin`.
      'default password file mounted from the admin Secret': clusters.every(
        c => {
          const file = c.spec.aerospikeConfig.security['default-password-file'];
          const volume = c.spec.storage.volumes.find(
            (v: any) => `${v.aerospike?.path}/${PASSWORD_KEY}` === file,
          );
          return same(volume?.source, { secret: { secretName: admin } });
        },
      ),
    };
  },
  scylla: ({ claim, primary, resources }) => {
    const jobs = ofKind(resources, 'Job');
    const retire = new RegExp(
      `ALTER ROLE ${SCYLLA_DEFAULT_SUPERUSER} WITH PASSWORD = \\$\\(lit "\\$retired"\\)\\s+AND SUPERUSER = false AND LOGIN = false;`,
    );
    return {
      PasswordAuthenticator: ofKind(resources, 'ConfigMap').some(c =>
        /authenticator: PasswordAuthenticator/.test(c.data['scylla.yaml']),
      ),
      // Roles are cluster-wide: the primary PoP's Job retires the default
      // for every datacenter.
      'a role Job in the primary PoP only': jobs.length === (primary ? 1 : 0),
      'the Job retires the default superuser, as the admin of the admin Secret':
        jobs.every(job => {
          const [container] = job.spec.template.spec.containers;
          return (
            retire.test(container.command.join(' ')) &&
            same(envOf(container, 'ADMIN_PASSWORD'), {
              secret: adminName(claim),
              key: PASSWORD_KEY,
            })
          );
        }),
    };
  },
};

function adminName(claim: ClaimObject): string {
  return adminSecret(claim)!.name;
}

describe('credentials of rendered claims', () => {
  it('has a check for every engine', () => {
    expect(Object.keys(retiresDefaultAdministrator).sort()).toEqual(
      [...ENGINE_IDS].sort(),
    );
  });

  it.each(
    rendered
      .filter(r => r.resources.length > 0)
      .map(r => [r.claim.metadata.name, r.pop, r] as const),
  )('leaves no default administrator of %s in %s usable', (_id, _pop, r) => {
    const facts = retiresDefaultAdministrator[r.claim.spec.engine](r);
    expect(facts).toEqual(
      Object.fromEntries(Object.keys(facts).map(fact => [fact, true])),
    );
  });

  it('never gives an administrator the password the tenant is given', () => {
    for (const engine of ENGINE_IDS) {
      const claim = rendered.find(r => r.claim.spec.engine === engine)!.claim;
      const admin = adminSecret(claim);
      if (!admin) continue;
      expect(admin.name).not.toBe(credentialsSecret(claim)!.name);
      expect(admin.username).toBe(ADMIN_USER[engine]);
      expect(admin.username).not.toBe(DATABASE_USER[engine]);
      // The admin's password is made for it alone, not from the claim's.
      expect(admin.keys[PASSWORD_KEY]('tenant-password', 'fresh')).toBe(
        'fresh',
      );
    }
  });

  it('gives the Aerospike app user data roles only, the admin the operator roles', () => {
    const r = rendered.find(x => x.claim.spec.engine === 'aerospike')!;
    const cluster = ofKind(r.resources, 'AerospikeCluster')[0];
    const app = cluster.spec.aerospikeAccessControl.users.find(
      (u: any) => u.name === DATABASE_USER.aerospike,
    );
    expect(app).toEqual({
      name: 'app',
      secretName: credentialsSecret(r.claim)!.name,
      roles: AEROSPIKE_APP_ROLES,
    });
    expect(app.roles).not.toContain('sys-admin');
    expect(app.roles).not.toContain('user-admin');
    expect(cluster.spec.aerospikeAccessControl.users).toHaveLength(2);
  });

  it('has the Scylla role Job create the role named in the credentials Secret, with its password', () => {
    for (const r of rendered.filter(
      x => x.claim.spec.engine === 'scylla' && x.primary,
    )) {
      const secret = credentialsSecret(r.claim)!;
      // The Secret names the role the claim status reports.
      expect(secret.keys.username('', '')).toBe(DATABASE_USER.scylla);
      const [job] = ofKind(r.resources, 'Job');
      const [container] = job.spec.template.spec.containers;
      expect(envOf(container, 'APP_ROLE')).toEqual({
        secret: secret.name,
        key: 'username',
      });
      expect(envOf(container, 'APP_PASSWORD')).toEqual({
        secret: secret.name,
        key: PASSWORD_KEY,
      });
      expect(envOf(container, 'CQL_HOST')).toEqual({
        value: `${r.claim.metadata.name}-client.${r.claim.metadata.namespace}.svc`,
      });
      // Its pod carries the claim's labels, which the NetworkPolicy admits.
      expect(job.spec.template.metadata.labels).toMatchObject({
        'dbaas.io/service-name': r.claim.metadata.name,
      });
    }
  });

  it('names a new Scylla role Job when its pod template changes, since a Job cannot be changed', () => {
    const scylla = claimCases().find(c => c.engine === 'scylla')!;
    const job = (version: string) =>
      ofKind(
        renderClaim(
          claimFrom(scylla.id, { ...scylla.spec, version }),
          contextFor(scylla.spec.region),
        ),
        'Job',
      )[0];
    expect(job('2025.1').metadata.name).not.toBe(job('2026.1').metadata.name);
    expect(job('2025.1').metadata.name).toBe(job('2025.1').metadata.name);
  });
});
