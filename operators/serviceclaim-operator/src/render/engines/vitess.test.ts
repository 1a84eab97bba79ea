import { specFromSku } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimCases, claimFrom, contextFor } from '../__testUtils__/skuClaims';
import { NOTES_ANNOTATION } from '../common';
import { claimRegions } from '../regions';
import { renderClaim } from '../renderClaim';
import type { ClaimObject, RenderedResource } from '../types';
import {
  FEDERATED_TOPOLOGY_RECONCILIATION,
  VITESS_BACKUP_JOB_TIMEOUT_MINUTES,
  vitessImage,
} from './vitess';

// The rules below are the Vitess operator's, read in planetscale/vitess-operator at
// v2.17.0 (1de6fbc712ee1c98ad01e6c82376ca1bd950deee), the tag of the VitessCluster CRD
// in ../shared/crds/vitess.

const vtCases = claimCases().filter(c => c.engine === 'vitess');

/** The VitessCluster a claim renders in each PoP it runs in. */
function clustersOf(
  claim: ClaimObject,
): { pop: string; spec: any; metadata: RenderedResource['metadata'] }[] {
  return claimRegions(claim.spec).map(pop => {
    const cluster = renderClaim(claim, contextFor(pop)).find(
      r => r.kind === 'VitessCluster',
    );
    if (!cluster) throw new Error(`${claim.metadata.name}: none in ${pop}`);
    return { pop, spec: cluster.spec as any, metadata: cluster.metadata };
  });
}

function shardTemplate(spec: any) {
  return spec.keyspaces[0].partitionings[0].equal.shardTemplate;
}

describe('Vitess renders the Vitess operator can run', () => {
  it('covers every Vitess plan, the global one federated', () => {
    expect(new Set(vtCases.map(c => c.plan))).toEqual(
      new Set(['shared', 'dedicated', 'clustered', 'global']),
    );
    expect(
      vtCases.some(c => claimRegions(c.spec).length > 1 && c.spec.backup),
    ).toBe(true);
  });

  describe.each(vtCases.map(c => [c.id, c] as const))('%s', (id, c) => {
    const claim = claimFrom(id, c.spec);
    const clusters = clustersOf(claim);

    // pkg/operator/vttablet/vtbackup_pod.go: a vtbackup Pod (the initial backup
    // every shard with a backup location waits for, and every scheduled backup)
    // copies only the vtbackup binary from the vtbackup image and runs it in the
    // mysqld image, which must so carry the backup engine's tools;
    // pkg/apis/planetscale/v2/defaults.go: the mysqld image should be the
    // vttablet image, whose mysqld vttablet uses for version detection.
    it('runs vtbackup and mysqld in the Vitess image that carries XtraBackup (vtbackup_pod.go@v2.17.0)', () => {
      for (const { spec } of clusters) {
        const { images } = spec;
        expect(images.mysqld).toEqual({ mysql80Compatible: images.vttablet });
        expect(images.vtbackup).toBe(images.vttablet);
        // vitess/lite's -mysql80 flavour installs mysql-server 8.0 and
        // percona-xtrabackup-80 (vitessio/vitess docker/utils/install_dependencies.sh);
        // the MySQL project's mysql:8.0 image has no xtrabackup.
        expect(images.mysqld.mysql80Compatible).toMatch(
          /^vitess\/lite:v\d+\.\d+\.\d+-mysql80$/,
        );
      }
      const engines = clusters
        .filter(({ spec }) => spec.backup)
        .map(({ spec }) => spec.backup.engine);
      expect(new Set(engines)).toEqual(
        new Set(engines.length ? ['xtrabackup'] : []),
      );
    });

    // docs/architecture/federation.md "Replication Management": initializeMaster and
    // initializeBackup true in one and only one of the federated VitessClusters.
    it('initialises replication and the first backup in exactly one PoP (federation.md@v2.17.0)', () => {
      const initialising = clusters.filter(({ spec }) => {
        const { replication } = shardTemplate(spec);
        expect(replication.initializeBackup).toBe(replication.initializeMaster);
        return replication.initializeMaster === true;
      });
      expect(initialising.map(x => x.pop)).toEqual([claim.spec.region]);
    });

    it('schedules backups from the initialising PoP only, with a timeout a real backup fits in', () => {
      const scheduling = clusters.filter(
        ({ spec }) => spec.backup?.schedules?.length,
      );
      const schedules = scheduling.flatMap(({ spec }) => spec.backup.schedules);
      expect(scheduling.map(x => x.pop)).toEqual(
        clusters[0].spec.backup && claim.spec.backup.schedule
          ? [claim.spec.region]
          : [],
      );
      // vitessbackupschedule_types.go: jobTimeoutMinute defaults to 10, and
      // removeTimeoutJobs (vitessbackupschedule_controller.go) deletes a Job
      // (and its PVC) running longer.
      for (const schedule of schedules) {
        expect(schedule.jobTimeoutMinute).toBe(
          VITESS_BACKUP_JOB_TIMEOUT_MINUTES,
        );
        expect(schedule.jobTimeoutMinute).toBeGreaterThanOrEqual(6 * 60);
        // backupMethod vtbackup (the default): a strategy's extraFlags are
        // "only used for vtctldclient backups" (vitessbackupschedule_types.go).
        expect(schedule.backupMethod ?? 'vtbackup').toBe('vtbackup');
        for (const strategy of schedule.strategies) {
          expect(strategy.extraFlags).toBeUndefined();
        }
      }
    });

    // A tablet with a backup location restores from it and polls until a backup
    // exists (pkg/operator/vttablet/backup.go, wait_for_backup_interval): every
    // cell must look where the initialising PoP's first backup goes.
    it('points every PoP at the same backup location', () => {
      const locations = clusters.map(({ spec }) =>
        JSON.stringify(spec.backup?.locations),
      );
      expect(new Set(locations).size).toBe(1);
      for (const { spec } of clusters) {
        const pool = shardTemplate(spec).tabletPools[0];
        expect(pool.backupLocationName).toBe(spec.backup?.locations[0].name);
      }
    });

    if (claimRegions(c.spec).length > 1) {
      // federation.md "Topology Reconciliation": registerCellsAliases, pruneCells,
      // pruneKeyspaces, pruneSrvKeyspaces and pruneShards off; defaulted on
      // otherwise (vitesscluster_defaults.go DefaultTopoReconcileConfig), and
      // vitesstopo/prune_cells.go deletes every cell in topology the
      // VitessCluster does not list, the other PoPs' included.
      it('leaves the other PoPs’ topology records alone (federation.md@v2.17.0)', () => {
        for (const { spec } of clusters) {
          expect(spec.topologyReconciliation).toEqual({
            registerCellsAliases: false,
            pruneCells: false,
            pruneKeyspaces: false,
            pruneSrvKeyspaces: false,
            pruneShards: false,
          });
          expect(spec.topologyReconciliation).toEqual(
            FEDERATED_TOPOLOGY_RECONCILIATION,
          );
          expect(spec.cells.map((cell: any) => cell.name)).toHaveLength(1);
        }
      });

      // pkg/operator/vtgate/deployment.go: cells_to_watch defaults to the cells of
      // the VitessCluster; extraFlags override it.
      it('lets every PoP’s vtgate reach the primary in another PoP (vtgate/deployment.go@v2.17.0)', () => {
        for (const { spec } of clusters) {
          expect(spec.cells[0].gateway.extraFlags.cells_to_watch).toBe(
            claimRegions(claim.spec).join(','),
          );
        }
      });

      // pkg/operator/lockserver/params.go: without a lockserver of its own a cell
      // uses the global one under /vitess/<cluster>/local/<cell>, the same for
      // every namespace's cluster of that name.
      it('keeps each cell’s topology under the claim’s namespace on the shared etcd (lockserver/params.go@v2.17.0)', () => {
        const global = clusters[0].spec.globalLockserver.external;
        for (const { pop, spec } of clusters) {
          expect(spec.globalLockserver.external).toEqual(global);
          expect(spec.cells[0].lockserver.external).toEqual({
            implementation: global.implementation,
            address: global.address,
            rootPath: `/vitess/${claim.metadata.namespace}/${id}/local/${pop}`,
          });
        }
      });
    } else {
      it('runs a cluster of its own, with the operator’s default topology reconciliation', () => {
        const [{ spec }] = clusters;
        expect(spec.globalLockserver.etcd).toBeDefined();
        expect(spec.topologyReconciliation).toBeUndefined();
        expect(spec.cells[0].lockserver).toBeUndefined();
      });
    }
  });

  it('runs only Vitess releases the operator is tested with (test/endtoend@v2.17.0)', () => {
    // test/endtoend/operator/101_initial_cluster.yaml starts on v23.0.3,
    // cluster_upgrade.yaml moves to v24.0.0 (the operator's default image,
    // pkg/apis/planetscale/v2/defaults.go).
    const vitess = skuCatalog.engines.find(e => e.id === 'vitess')!;
    expect(vitess.versions.map(vitessImage)).toEqual([
      'vitess/lite:v23.0.3-mysql80',
      'vitess/lite:v24.0.0-mysql80',
    ]);
  });

  it('says the bucket keeps the retention, since vtbackup is told to keep every backup', () => {
    // pkg/controller/vitessshard/reconcile_backup_job.go vtbackupSpec: every
    // vtbackup gets min_retention_time 0 ("never delete any backups at all").
    const claim = claimFrom(
      'vt-dedicated',
      specFromSku(skuCatalog, 'vt-dedicated', 'lagos'),
    );
    const [{ metadata }] = clustersOf(claim);
    expect(metadata.annotations?.[NOTES_ANNOTATION]).toMatch(
      /retention is the backup bucket's lifecycle rule/,
    );
  });
});
