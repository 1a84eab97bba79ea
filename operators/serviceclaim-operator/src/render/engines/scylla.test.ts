import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimCases, claimFrom, contextFor } from '../__testUtils__/skuClaims';
import { BACKUP_CREDENTIALS_SECRET } from '../backup';
import { SCYLLA_MANAGER_USER, scyllaManagerSecret } from '../credentials';
import { HELPER_IMAGES, engineRelease } from '../images';
import { renderClaim } from '../renderClaim';
import type { RenderContext, RenderedResource } from '../types';
import { SCYLLA_MANAGER_OPT_OUT, SCYLLA_STORAGE_CLASS_DEFAULT } from './scylla';

const scyllaCases = claimCases().filter(c => c.engine === 'scylla');

function render(id: string, pop?: string, ctx: Partial<RenderContext> = {}) {
  const c = scyllaCases.find(x => x.id === id)!;
  const claim = claimFrom(c.id, c.spec);
  const resources = renderClaim(claim, {
    ...contextFor(pop ?? c.spec.region),
    ...ctx,
  });
  return { claim, resources, pops: c.pops };
}

const clusterOf = (resources: RenderedResource[]) =>
  resources.find(r => r.kind === 'ScyllaCluster') as any;

/** `2026.1.3` → [2026, 1]. */
const minor = (v: string) => v.split('.').slice(0, 2).map(Number);
const atLeast = (v: number[], min: number[]) =>
  v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);

describe('the ScyllaDB render on the Scylla operator v1.21', () => {
  // scylla-operator v1.21.1 docs/source/reference/releases.md, "Support matrix":
  // ScyllaDB 2025.1, 2025.3 - 2026.1; ScyllaDB Manager 3.7 - 3.9.
  it('runs only ScyllaDB releases in the operator support matrix', () => {
    const scylla = skuCatalog.engines.find(e => e.id === 'scylla')!;
    for (const version of scylla.versions) {
      const [major, min] = minor(engineRelease('scylla', version));
      const supported =
        (major === 2025 && min === 1) ||
        (atLeast([major, min], [2025, 3]) && !atLeast([major, min], [2026, 2]));
      expect({ version, supported }).toEqual({ version, supported: true });
    }
    for (const c of scyllaCases) {
      const cluster = clusterOf(render(c.id).resources);
      expect(cluster.spec.version).toBe(
        engineRelease('scylla', c.spec.version),
      );
    }
  });

  it('runs a Scylla Manager agent in the operator support matrix', () => {
    const [major, min] = minor(HELPER_IMAGES.scyllaManagerAgent);
    expect(major).toBe(3);
    expect(min).toBeGreaterThanOrEqual(7);
    expect(min).toBeLessThanOrEqual(9);
    expect(clusterOf(render('scy-ring-3').resources).spec.agentVersion).toBe(
      HELPER_IMAGES.scyllaManagerAgent,
    );
  });

  // scylla-operator v1.21.1 docs/source/deploy-scylladb/before-you-deploy/configure-nodes.md
  // and deploy-multi-datacenter-cluster.md: members run on XFS volumes of the
  // StorageClass `scylladb-local-xfs` (ScyllaDB Local CSI Driver on NVMe).
  it('puts members on an XFS StorageClass: the claim, the PoP, or scylladb-local-xfs', () => {
    const classes = (r: RenderedResource[]) =>
      clusterOf(r).spec.datacenter.racks.map(
        (rack: any) => rack.storage.storageClassName,
      );
    const { resources } = render('scy-ring-3');
    expect(new Set(classes(resources))).toEqual(
      new Set([SCYLLA_STORAGE_CLASS_DEFAULT]),
    );
    expect(
      new Set(
        classes(
          render('scy-ring-3', undefined, { scyllaStorageClass: 'nvme-xfs' })
            .resources,
        ),
      ),
    ).toEqual(new Set(['nvme-xfs']));
    // The generic PoP class (for Aerospike) is not assumed to be XFS.
    expect(
      new Set(
        classes(
          render('scy-ring-3', undefined, { storageClass: 'standard' })
            .resources,
        ),
      ),
    ).toEqual(new Set([SCYLLA_STORAGE_CLASS_DEFAULT]));
  });

  it('turns on PasswordAuthenticator and has the role Job make the Scylla Manager role', () => {
    const { claim, resources } = render('scy-ring-3');
    const config = resources.find(r => r.kind === 'ConfigMap')!;
    expect(config.data!['scylla.yaml']).toMatch(
      /authenticator: PasswordAuthenticator/,
    );
    const job = resources.find(r => r.kind === 'Job') as any;
    const [container] = job.spec.template.spec.containers;
    const env = Object.fromEntries(
      container.env.map((e: any) => [e.name, e.valueFrom?.secretKeyRef]),
    );
    const manager = scyllaManagerSecret(claim)!;
    expect(manager.username).toBe(SCYLLA_MANAGER_USER);
    expect(env.MANAGER_ROLE).toEqual({ name: manager.name, key: 'username' });
    expect(env.MANAGER_PASSWORD).toEqual({
      name: manager.name,
      key: 'password',
    });
  });

  // scylla-manager v3.9.1 pkg/service/backup/worker_schema.go: without CQL
  // credentials a backup of ScyllaDB >= 2024.2 fails; scylla-operator v1.21.1
  // pkg/controller/scylladbmanagerclusterregistration/sync_manager.go registers
  // the cluster with the agent token only, as `<namespace>/<name>`.
  it('says on the cluster that Scylla Manager needs the Manager role registered', () => {
    const { claim, resources } = render('scy-ring-3');
    const cluster = clusterOf(resources);
    expect(cluster.spec.backups).toHaveLength(1);
    expect(cluster.metadata.annotations['dbaas.io/render-notes']).toContain(
      `Secret ${
        scyllaManagerSecret(claim)!.name
      } with Scylla Manager's cluster ${claim.metadata.namespace}/${
        claim.metadata.name
      }`,
    );
  });

  // scylla-operator v1.21.1 docs/source/deploy-scylladb/deploy-multi-datacenter-cluster.md
  // ("deploy the ScyllaDB Manager in only one datacenter", one auth token for
  // all) and pkg/controller/scyllacluster/migrate.go (the opt-out annotation
  // stops registration and tasks); pkg/controller/scylladbdatacenter/
  // sync_agent_config.go takes the agent token from the custom agent config first.
  it('registers a multi-datacenter cluster with the primary PoP Scylla Manager only', () => {
    const c = scyllaCases.find(x => x.plan === 'global')!;
    const [primary, other] = c.pops;
    const atPrimary = clusterOf(render(c.id, primary).resources);
    const atOther = clusterOf(render(c.id, other).resources);
    expect(atPrimary.metadata.annotations?.[SCYLLA_MANAGER_OPT_OUT]).toBe(
      undefined,
    );
    expect(atOther.metadata.annotations[SCYLLA_MANAGER_OPT_OUT]).toBe('true');
    expect(atPrimary.spec.backups).toHaveLength(1);
    expect(atOther.spec.backups).toBeUndefined();
    // Same cluster name, one datacenter each.
    expect(atPrimary.metadata.name).toBe(atOther.metadata.name);
    expect(atPrimary.spec.datacenter.name).not.toBe(
      atOther.spec.datacenter.name,
    );
    // Every datacenter's agents read the same agent config, hence the same token.
    for (const cluster of [atPrimary, atOther]) {
      for (const rack of cluster.spec.datacenter.racks) {
        expect(rack.scyllaAgentConfig).toBe(BACKUP_CREDENTIALS_SECRET);
      }
    }
  });
});
