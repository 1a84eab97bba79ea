import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { claimCases, claimFrom, contextFor } from '../__testUtils__/skuClaims';
import { renderClaim } from '../renderClaim';
import { SCYLLA_MANAGER_USER } from '../credentials';
import { SCYLLA_DEFAULT_SUPERUSER } from './scyllaRoles';

/**
 * A stand-in for cqlsh against ScyllaDB's role store, kept in a JSON file:
 * PasswordAuthenticator's login check (same error text as the real one),
 * CREATE ROLE IF NOT EXISTS, ALTER ROLE and GRANT, for superusers only. The
 * first `down` calls fail as a cluster that is not up yet does.
 */
const FAKE_CQLSH = `
const fs = require('fs');
const file = process.env.FAKE_SCYLLA_STATE;
const state = JSON.parse(fs.readFileSync(file, 'utf8'));
const save = () => fs.writeFileSync(file, JSON.stringify(state));
const fail = message => { save(); process.stderr.write(message + '\\n'); process.exit(2); };
const args = process.argv.slice(2);
const opt = flag => args[args.indexOf(flag) + 1];
const [user, pass, text] = [opt('-u'), opt('-p'), opt('-e')];
if (state.down > 0) {
  state.down -= 1;
  fail("Connection error: ('Unable to connect to any servers', {'10.0.0.1:9042': ConnectionRefusedError(111, 'Connection refused')})");
}
const self = state.roles[user];
if (!self || !self.login || self.password !== pass) {
  state.refusedLogins.push(user);
  fail("Connection error: ('Unable to connect to any servers', {'10.0.0.1:9042': AuthenticationFailed('Failed to authenticate to 10.0.0.1:9042: Error from server: code=0100 [Bad credentials] message=\\"Username and/or password are incorrect\\"')})");
}
const LIT = "'(?:[^']|'')*'";
const name = s => (s.startsWith("'") ? s.slice(1, -1).replace(/''/g, "'") : s.toLowerCase());
const options = s => {
  const out = {};
  for (const m of s.matchAll(new RegExp('(PASSWORD|SUPERUSER|LOGIN)\\\\s*=\\\\s*(' + LIT + '|true|false)', 'gi'))) {
    out[m[1].toLowerCase()] = m[2].startsWith("'") ? name(m[2]) : m[2] === 'true';
  }
  return out;
};
const statements = text.match(new RegExp("(?:" + LIT + "|[^';])+", 'g')).map(s => s.trim()).filter(Boolean);
for (const statement of statements) {
  if (/^SELECT/i.test(statement)) { process.stdout.write(' release_version\\n 2025.1.5\\n'); continue; }
  if (!self.superuser) fail('Unauthorized: ' + user + ' may not ' + statement.split(' ')[0]);
  let m;
  if ((m = statement.match(new RegExp('^CREATE ROLE IF NOT EXISTS (' + LIT + '|\\\\w+) WITH (.*)$', 'is')))) {
    const role = name(m[1]);
    if (!state.roles[role]) state.roles[role] = { login: false, superuser: false, ...options(m[2]) };
  } else if ((m = statement.match(new RegExp('^ALTER ROLE (' + LIT + '|\\\\w+) WITH (.*)$', 'is')))) {
    const role = name(m[1]);
    if (!state.roles[role]) fail('Role ' + role + ' does not exist');
    Object.assign(state.roles[role], options(m[2]));
  } else if ((m = statement.match(new RegExp('^GRANT CREATE ON ALL KEYSPACES TO (' + LIT + '|\\\\w+)$', 'is')))) {
    state.grants.push('CREATE ON ALL KEYSPACES TO ' + name(m[1]));
  } else {
    fail('SyntaxException: ' + statement);
  }
}
save();
`;

type Role = { password: string; login: boolean; superuser: boolean };
type State = {
  down: number;
  roles: Record<string, Role>;
  grants: string[];
  refusedLogins: string[];
};

function freshCluster(down = 0): State {
  return {
    down,
    roles: {
      [SCYLLA_DEFAULT_SUPERUSER]: {
        password: SCYLLA_DEFAULT_SUPERUSER,
        login: true,
        superuser: true,
      },
    },
    grants: [],
    refusedLogins: [],
  };
}

/** The role Job a Scylla claim renders in its primary PoP. */
function roleJob() {
  const scylla = claimCases().find(c => c.engine === 'scylla')!;
  const resources = renderClaim(
    claimFrom(scylla.id, scylla.spec),
    contextFor(scylla.spec.region),
  );
  const job = resources.find(r => r.kind === 'Job') as any;
  return job.spec.template.spec.containers[0];
}

describe('the ScyllaDB role Job', () => {
  let dir: string;
  const container = roleJob();
  const adminRole = container.env.find(
    (e: any) => e.name === 'ADMIN_ROLE',
  ).value;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scylla-roles-'));
    fs.writeFileSync(
      path.join(dir, 'cqlsh'),
      `#!${process.execPath}\n${FAKE_CQLSH}`,
      { mode: 0o755 },
    );
    // Waits return at once.
    fs.writeFileSync(path.join(dir, 'sleep'), '#!/bin/sh\nexit 0\n', {
      mode: 0o755,
    });
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs the rendered script with the Secrets' values as the Job would get them. */
  function run(
    state: State,
    secrets: {
      adminPassword: string;
      appPassword: string;
      managerPassword?: string;
    },
  ) {
    const stateFile = path.join(dir, 'state.json');
    fs.writeFileSync(stateFile, JSON.stringify(state));
    const [shell, flag, script] = container.command;
    const result = spawnSync(shell, [flag, script], {
      encoding: 'utf8',
      env: {
        PATH: `${dir}:${process.env.PATH}`,
        HOME: dir,
        FAKE_SCYLLA_STATE: stateFile,
        CQL_HOST: 'scy-ring-3-client.tenant-123.svc',
        ADMIN_ROLE: adminRole,
        ADMIN_PASSWORD: secrets.adminPassword,
        APP_ROLE: 'app',
        APP_PASSWORD: secrets.appPassword,
        MANAGER_ROLE: SCYLLA_MANAGER_USER,
        MANAGER_PASSWORD: secrets.managerPassword ?? 'manager-pw-1',
      },
    });
    return {
      status: result.status,
      stderr: result.stderr,
      state: JSON.parse(fs.readFileSync(stateFile, 'utf8')) as State,
    };
  }

  const secrets = { adminPassword: 'admin-Secret-1', appPassword: 'app-pw-1' };

  it('on a new cluster creates the app role with the Secret password and retires cassandra/cassandra', () => {
    const { status, stderr, state } = run(freshCluster(3), secrets);
    expect({ status, stderr }).toEqual({ status: 0, stderr: '' });
    expect(state.roles.app).toEqual({
      password: secrets.appPassword,
      login: true,
      superuser: false,
    });
    expect(state.grants).toContain('CREATE ON ALL KEYSPACES TO app');
    expect(state.roles[adminRole]).toEqual({
      password: secrets.adminPassword,
      login: true,
      superuser: true,
    });
    const retired = state.roles[SCYLLA_DEFAULT_SUPERUSER];
    expect(retired).toMatchObject({ login: false, superuser: false });
    expect(retired.password).not.toBe(SCYLLA_DEFAULT_SUPERUSER);
    expect(retired.password).toMatch(/^[0-9a-f]{64}$/);
    // It checked that the default no longer logs in.
    expect(state.refusedLogins).toContain(SCYLLA_DEFAULT_SUPERUSER);
  });

  // scylla-manager v3.9.1 pkg/service/backup/worker_schema.go: backing up the
  // schema of ScyllaDB >= 2024.2 needs CQL credentials; docs/source/add-a-cluster.rst:
  // the Manager's CQL user "should NOT have access to read your data".
  it('creates the Scylla Manager role: login, no superuser, no grant on data', () => {
    const { status, state } = run(freshCluster(), {
      ...secrets,
      managerPassword: 'mgr-pw',
    });
    expect(status).toBe(0);
    expect(state.roles[SCYLLA_MANAGER_USER]).toEqual({
      password: 'mgr-pw',
      login: true,
      superuser: false,
    });
    expect(state.grants.filter(g => g.endsWith(SCYLLA_MANAGER_USER))).toEqual(
      [],
    );
  });

  it('runs again once the default is retired, logging in as the platform administrator', () => {
    const first = run(freshCluster(), secrets).state;
    first.refusedLogins = [];
    // A new Job (say, a new image) after the application's password changed.
    const again = run(first, { ...secrets, appPassword: 'app-pw-2' });
    expect(again.status).toBe(0);
    expect(again.state.roles.app.password).toBe('app-pw-2');
    expect(again.state.roles[SCYLLA_DEFAULT_SUPERUSER].login).toBe(false);
  });

  it('quotes passwords as CQL literals', () => {
    const quoted = { adminPassword: "a'dmin", appPassword: "it's; DROP" };
    const { status, state } = run(freshCluster(), quoted);
    expect(status).toBe(0);
    expect(state.roles.app.password).toBe("it's; DROP");
    expect(state.roles[adminRole].password).toBe("a'dmin");
  });

  it('fails, saying why, when neither its administrator nor the default can log in', () => {
    const changed = freshCluster();
    changed.roles[SCYLLA_DEFAULT_SUPERUSER].password = 'someone-else';
    const { status, stderr, state } = run(changed, secrets);
    expect(status).not.toBe(0);
    expect(stderr).toMatch(
      /neither dbaas_admin \(password of its Secret\) nor the default superuser can log in/,
    );
    expect(state.roles.app).toBeUndefined();
  });
});
