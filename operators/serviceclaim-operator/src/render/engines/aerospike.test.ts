import { posix } from 'node:path';
import { serviceNameSchema } from '@internal/backstage-plugin-dbaas-common';
import { claimCases, claimFrom, contextFor } from '../__testUtils__/skuClaims';
import { ADMIN_USER, DATABASE_USER, PASSWORD_KEY } from '../credentials';
import { renderClaim } from '../renderClaim';
import type { ClaimObject } from '../types';
import {
  AEROSPIKE_APP_ROLES,
  AEROSPIKE_XDR_ROLES,
  AEROSPIKE_XDR_SECRET,
  AEROSPIKE_XDR_USER,
} from './aerospike';

// The rules below are those of the Aerospike Kubernetes Operator's admission
// webhooks at aerospike/aerospike-kubernetes-operator v4.5.0 (6f3201a06e82),
// the release whose CRDs are in /work/shared/crds/aerospike. Paths are relative
// to that repository. They run on a spec after AKO's mutating webhook, so the
// defaults it sets (maxUnavailable 1, volume init methods `none`) apply here.

type Volume = {
  name: string;
  aerospike?: { path: string };
  source: {
    secret?: { secretName: string };
    persistentVolume?: { volumeMode: string };
  };
};
type User = { name: string; secretName?: string; roles: string[] };

// api/v1/access_control_validate.go: PredefinedRoles.
const PREDEFINED_ROLES = new Set([
  'user-admin',
  'sys-admin',
  'data-admin',
  'read',
  'read-write',
  'read-write-udf',
  'write',
  'truncate',
  'sindex-admin',
  'udf-admin',
  'masking-admin',
  'read-masked',
  'write-masked',
]);
// api/v1/utils.go: DefaultRackID (reserved), MaxRackID, DefaultWorkDirectory,
// AerospikeServerContainerName and the labels the operator sets itself.
const DEFAULT_RACK_ID = 0;
const MAX_RACK_ID = 1000000;
const DEFAULT_WORK_DIRECTORY = '/opt/aerospike';
const SERVER_CONTAINER = 'aerospike-server';
const OPERATOR_LABELS = ['app', 'aerospike.com/rack-id', 'aerospike.com/cr'];
// internal/webhook/v1/utils.go: baseVersion.
const BASE_VERSION = [6, 0, 0, 0];
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function newerOrSame(version: number[], base: number[]): boolean {
  for (let i = 0; i < base.length; i++) {
    const part = version[i] ?? 0;
    if (part !== base[i]) return part > base[i];
  }
  return true;
}

/**
 * What AKO's validating webhook (internal/webhook/v1/aerospikecluster_validating_webhook.go,
 * ValidateCreate) would refuse in an AerospikeCluster spec, for the rules our
 * renders touch; each message is the webhook's own.
 */
function akoWebhookProblems(name: string, spec: any): string[] {
  const problems: string[] = [];
  const config = spec.aerospikeConfig ?? {};
  const volumes: Volume[] = spec.storage?.volumes ?? [];
  const users: User[] = spec.aerospikeAccessControl?.users ?? [];
  const volumeAt = (dir: string) =>
    volumes.find(v => v.aerospike?.path === dir);

  // validateImage: "only Enterprise and Federal editions are allowed";
  // validate: "image version %s not supported. Base version %s".
  const image: string = spec.image ?? '';
  if (!image.toLowerCase().includes('enterprise')) {
    problems.push(`image "${image}" is not supported`);
  }
  const version = (image.split(':')[1] ?? '').split('.').map(Number);
  if (!newerOrSame(version, BASE_VERSION)) {
    problems.push(`image version ${version.join('.')} not supported`);
  }

  // validateNamingConstraints: a DNS-1035 name, and the longest label value a
  // pod can get (name, three dashes, the widest rack id, the 3 characters AKO
  // reserves for a rack revision, a 10-character controller-revision hash)
  // within 63.
  if (!DNS1035_LABEL.test(name)) {
    problems.push(
      `cluster name "${name}" is not a valid Kubernetes service name`,
    );
  }
  if (name.length + 3 + String(MAX_RACK_ID).length + 3 + 10 > 63) {
    problems.push(`cluster "${name}": Pod label value would exceed 63`);
  }

  // access_control_validate.go IsAerospikeAccessControlValid / isUserSpecValid:
  // security on needs access control with a user named `admin` holding
  // sys-admin and user-admin; every user a password Secret and known roles.
  if (config.security !== undefined) {
    if (!spec.aerospikeAccessControl) {
      problems.push('security is enabled but access control is missing');
    }
    const seen = new Set<string>();
    for (const user of users) {
      if (seen.has(user.name)) {
        problems.push(`duplicate entry for user: ${user.name}`);
      }
      seen.add(user.name);
      if (!user.secretName?.trim()) {
        problems.push(`user ${user.name} has empty secret name`);
      }
      for (const role of user.roles) {
        if (!PREDEFINED_ROLES.has(role)) {
          problems.push(`user '${user.name}' has non-existent role ${role}`);
        }
      }
    }
    if (
      !users.some(
        u =>
          u.name === 'admin' &&
          u.roles.includes('sys-admin') &&
          u.roles.includes('user-admin'),
      )
    ) {
      problems.push(
        'no admin user with required roles: [sys-admin user-admin] found',
      );
    }
  }

  // validateRequiredFileStorageForAerospikeConfig: the feature key and default
  // password files sit in a volume mounted at their directory, the latter a Secret.
  const files = [
    config.service?.['feature-key-file'],
    config.security?.['default-password-file'],
  ].filter((f): f is string => typeof f === 'string');
  for (const file of files) {
    const volume = volumeAt(posix.dirname(file));
    if (!volume) {
      problems.push(
        `feature-key-file paths or tls paths or default-password-file path are not mounted - ${file}`,
      );
    } else if (
      file === config.security?.['default-password-file'] &&
      !volume.source.secret
    ) {
      problems.push(
        `default-password-file path ${file} volume source should be secret`,
      );
    }
  }

  // internal/webhook/v1/storage.go validateStorage / validateStorageVolumeSource.
  const paths = new Set<string>();
  for (const volume of volumes) {
    if (!DNS1123_LABEL.test(volume.name)) {
      problems.push(`invalid volume name '${volume.name}'`);
    }
    const path = volume.aerospike?.path;
    if (path) {
      if (!posix.isAbsolute(path)) {
        problems.push(`volume path should be absolute: ${path}`);
      }
      if (path === '/etc/aerospike' || path === '/configs') {
        problems.push(`reserved volume path ${path}`);
      }
      if (paths.has(path)) problems.push(`duplicate volume path ${path}`);
      paths.add(path);
    }
    const pv = volume.source.persistentVolume;
    if (pv) {
      const block = pv.volumeMode === 'Block';
      const policy = block
        ? spec.storage.blockVolumePolicy
        : spec.storage.filesystemVolumePolicy;
      const init = policy?.initMethod ?? 'none';
      const valid = block
        ? [
            'dd',
            'headerCleanup',
            'blkdiscard',
            'none',
            'blkdiscardWithHeaderCleanup',
          ]
        : ['none', 'deleteFiles'];
      if (!valid.includes(init)) {
        problems.push(`invalid init method ${init} for volume ${volume.name}`);
      }
    }
  }

  // validateRequiredFileStorageForMetadata: the work directory on a persistent
  // filesystem volume.
  const workDir = config.service?.['work-directory'] ?? DEFAULT_WORK_DIRECTORY;
  const workVolume = volumeAt(workDir);
  if (workVolume?.source.persistentVolume?.volumeMode !== 'Filesystem') {
    problems.push(
      `aerospike work directory path ${workDir} not found in storage volume's aerospike paths`,
    );
  }

  const blockPaths = volumes
    .filter(v => v.source.persistentVolume?.volumeMode === 'Block')
    .map(v => v.aerospike?.path);
  const namespaces: any[] = config.namespaces ?? [];
  for (const ns of namespaces) {
    // validateNamespaceConfig: devices are block volumes of the storage config.
    for (const device of ns['storage-engine']?.devices ?? []) {
      if (!blockPaths.includes(device)) {
        problems.push(
          `namespace storage device related devicePath ${device} not found in Storage config`,
        );
      }
    }
    // pkg/validation/validate.go validateNamespaceReplicationFactor.
    const rf = ns['replication-factor'] ?? 2;
    if (ns['strong-consistency'] === true && spec.size < rf) {
      problems.push(
        `strong-consistency namespace replication-factor ${rf} cannot be more than cluster size ${spec.size}`,
      );
    }
  }

  // validateMaxUnavailable, with the mutating webhook's default of 1: below
  // the smallest replication factor above 1, unless the cluster has one node.
  const maxUnavailable = spec.maxUnavailable ?? 1;
  if (spec.size > 1) {
    const factors = namespaces
      .map(ns => ns['replication-factor'] ?? 2)
      .filter(rf => rf > 1);
    const safe = Math.min(spec.size, ...factors);
    if (maxUnavailable >= safe) {
      problems.push(`maxUnavailable ${maxUnavailable} is invalid`);
    }
  }

  // The mutating webhook's setDefaultRackConf and validateRackConfig.
  const rackIds = (spec.rackConfig?.racks ?? []).map((r: any) => r.id);
  for (const id of rackIds) {
    if (id === DEFAULT_RACK_ID) problems.push(`RackID ${id} is reserved`);
    if (id > MAX_RACK_ID) problems.push(`rack id ${id} above ${MAX_RACK_ID}`);
  }
  if (new Set(rackIds).size !== rackIds.length) {
    problems.push('duplicate rackID not allowed');
  }

  // validatePodSpec / validatePodSpecContainer / ValidateAerospikeObjectMeta.
  const containers: string[] = (spec.podSpec?.sidecars ?? []).map(
    (c: any) => c.name,
  );
  for (const container of containers) {
    if (container === SERVER_CONTAINER) {
      problems.push(`cannot use reserved container name: ${container}`);
    }
  }
  if (new Set(containers).size !== containers.length) {
    problems.push('cannot have duplicate names of containers');
  }
  for (const label of Object.keys(spec.podSpec?.metadata?.labels ?? {})) {
    if (OPERATOR_LABELS.includes(label)) {
      problems.push(`label: ${label} is automatically defined by operator`);
    }
  }
  return problems;
}

const aerospikeCases = claimCases().filter(c => c.engine === 'aerospike');

/** Every Aerospike claim case's AerospikeCluster in every PoP it runs in. */
const rendered = aerospikeCases.flatMap(c => {
  const claim = claimFrom(c.id, c.spec);
  return c.pops.map(pop => {
    const cluster = renderClaim(claim, contextFor(pop)).find(
      r => r.kind === 'AerospikeCluster',
    )!;
    return { id: c.id, plan: c.plan, pop, claim, spec: cluster.spec as any };
  });
});

function clusterOf(claim: ClaimObject, pop = claim.spec.region) {
  return renderClaim(claim, contextFor(pop)).find(
    r => r.kind === 'AerospikeCluster',
  )!.spec as any;
}

describe('Aerospike renders AKO v4.5.0 admits', () => {
  it('covers every Aerospike plan', () => {
    expect(new Set(aerospikeCases.map(c => c.plan))).toEqual(
      new Set(['shared', 'dedicated', 'clustered', 'global']),
    );
  });

  it.each(rendered.map(r => [r.id, r.pop, r] as const))(
    '%s in %s passes the validating webhook',
    (_id, _pop, r) => {
      expect(akoWebhookProblems(r.claim.metadata.name, r.spec)).toEqual([]);
    },
  );

  it('catches what the webhook refuses, so that the checks can fail', () => {
    const spec = structuredClone(rendered[0].spec);
    spec.aerospikeAccessControl.users =
      spec.aerospikeAccessControl.users.filter((u: User) => u.name !== 'admin');
    spec.size = 1;
    spec.aerospikeConfig.namespaces[0]['strong-consistency'] = true;
    spec.aerospikeConfig.namespaces[0]['replication-factor'] = 2;
    spec.image = 'aerospike/aerospike-server:5.7.0.8';
    expect(akoWebhookProblems('1-bad', spec)).toEqual([
      'image "aerospike/aerospike-server:5.7.0.8" is not supported',
      'image version 5.7.0.8 not supported',
      'cluster name "1-bad" is not a valid Kubernetes service name',
      'no admin user with required roles: [sys-admin user-admin] found',
      'strong-consistency namespace replication-factor 2 cannot be more than cluster size 1',
    ]);
  });

  // validateNamingConstraints with the portal's longest database name.
  it('admits the longest database name the portal accepts', () => {
    const longest = `a${'b'.repeat(38)}c`;
    expect(serviceNameSchema.safeParse(longest).success).toBe(true);
    expect(serviceNameSchema.safeParse(`${longest}d`).success).toBe(false);
    const c = aerospikeCases[0];
    const claim = claimFrom(longest, c.spec);
    expect(akoWebhookProblems(longest, clusterOf(claim))).toEqual([]);
  });

  // access_control_validate.go isUserSpecValid; internal/controller/cluster/
  // client_policy.go GetDefaultPassword: the operator logs in as `admin` with
  // the default-password-file's Secret until access control has run, then with
  // the admin user's Secret.
  it('renders the admin user AKO logs in as, with its own Secret, and keeps app least-privileged', () => {
    for (const r of rendered) {
      const users: User[] = r.spec.aerospikeAccessControl.users;
      const admin = users.find(u => u.name === ADMIN_USER.aerospike)!;
      const app = users.find(u => u.name === DATABASE_USER.aerospike)!;
      expect(admin).toEqual({
        name: 'admin',
        secretName: `${r.claim.metadata.name}-admin`,
        roles: ['sys-admin', 'user-admin'],
      });
      expect(app.secretName).toBe(`${r.claim.metadata.name}-credentials`);
      expect(app.roles).toEqual(AEROSPIKE_APP_ROLES);
      for (const role of ['sys-admin', 'user-admin', 'data-admin']) {
        expect(app.roles).not.toContain(role);
      }
      const file = r.spec.aerospikeConfig.security['default-password-file'];
      expect(file).toBe(`/etc/aerospike/admin/${PASSWORD_KEY}`);
    }
  });

  // internal/controller/cluster/service.go podServiceNeeded: with
  // multiPodPerHost, any access type other than pod makes a NodePort Service
  // per pod and advertises the host's address.
  it('advertises pod addresses, so no NodePort Service is made per pod', () => {
    for (const r of rendered) {
      expect(r.spec.podSpec.multiPodPerHost).toBe(true);
      expect(r.spec.aerospikeNetworkPolicy).toEqual({
        access: 'pod',
        alternateAccess: 'pod',
        tlsAccess: 'pod',
        tlsAlternateAccess: 'pod',
      });
    }
  });
});

describe('Aerospike XDR between the PoPs of a global claim', () => {
  const global = rendered.filter(
    r => r.claim.spec.replication.regions.length > 1,
  );

  it('has global cases in more than one PoP', () => {
    expect(new Set(global.map(r => r.pop)).size).toBeGreaterThan(1);
  });

  it('logs in to every other region as a user each region has, with the one platform Secret every PoP holds', () => {
    for (const r of global) {
      const users: User[] = r.spec.aerospikeAccessControl.users;
      expect(users).toContainEqual({
        name: AEROSPIKE_XDR_USER,
        secretName: AEROSPIKE_XDR_SECRET,
        roles: AEROSPIKE_XDR_ROLES,
      });
      const volume = r.spec.storage.volumes.find(
        (v: Volume) => v.source.secret?.secretName === AEROSPIKE_XDR_SECRET,
      );
      const dcs: any[] = r.spec.aerospikeConfig.xdr.dcs;
      expect(dcs.map(dc => dc.name).sort()).toEqual(
        r.claim.spec.replication.regions.filter(p => p !== r.pop).sort(),
      );
      for (const dc of dcs) {
        expect(dc['auth-mode']).toBe('internal');
        expect(dc['auth-user']).toBe(AEROSPIKE_XDR_USER);
        // The file the server reads the password from, in that Secret's volume.
        expect(dc['auth-password-file']).toBe(
          `${volume.aerospike.path}/${PASSWORD_KEY}`,
        );
      }
    }
    // Same user, same Secret name, in every PoP: the password is the
    // platform's, not one a PoP generated.
    const xdrUsers = global.map(r =>
      r.spec.aerospikeAccessControl.users.find(
        (u: User) => u.name === AEROSPIKE_XDR_USER,
      ),
    );
    expect(new Set(xdrUsers.map(u => JSON.stringify(u))).size).toBe(1);
  });

  it('gives XDR write access only, and the tenant nothing of the platform Secret', () => {
    expect(AEROSPIKE_XDR_ROLES).toEqual(['write']);
    for (const r of global) {
      const app = r.spec.aerospikeAccessControl.users.find(
        (u: User) => u.name === DATABASE_USER.aerospike,
      );
      expect(app.secretName).not.toBe(AEROSPIKE_XDR_SECRET);
    }
  });

  it('renders no XDR user, Secret or DC for a claim in one region', () => {
    for (const r of rendered.filter(
      x => x.claim.spec.replication.regions.length === 1,
    )) {
      expect(r.spec.aerospikeConfig.xdr).toBeUndefined();
      expect(
        r.spec.aerospikeAccessControl.users.map((u: User) => u.name),
      ).toEqual(['admin', 'app']);
      expect(JSON.stringify(r.spec)).not.toContain(AEROSPIKE_XDR_SECRET);
    }
  });

  // pkg/validation/validate.go validateNamespaceReplicationFactor.
  it('keeps a strong-consistency factor within the PoP share of nodes, and says so', () => {
    const lowered = global.filter(
      r =>
        r.spec.aerospikeConfig.namespaces[0]['replication-factor'] <
        r.claim.spec.replication.factor,
    );
    // The global case has fewer nodes per PoP than its factor.
    expect(lowered.length).toBeGreaterThan(0);
    for (const r of global) {
      const [ns] = r.spec.aerospikeConfig.namespaces;
      expect(ns['strong-consistency']).toBe(true);
      expect(ns['replication-factor']).toBe(
        Math.min(r.claim.spec.replication.factor, r.spec.size),
      );
      const cluster = renderClaim(r.claim, contextFor(r.pop)).find(
        x => x.kind === 'AerospikeCluster',
      )!;
      const notes = cluster.metadata.annotations?.['dbaas.io/render-notes'];
      expect(
        notes?.includes(`Replication factor ${ns['replication-factor']}, not`),
      ).toBe(lowered.includes(r));
    }
  });
});
