import { toCores, toGi } from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimCases, claimFrom, contextFor } from '../__testUtils__/skuClaims';
import { engineRelease } from '../images';
import { renderClaim } from '../renderClaim';
import type { ClaimObject } from '../types';
import { DRAGONFLY_MAXMEMORY_SHARE } from './dragonfly';

// The rules below are the Dragonfly operator's (dragonflydb/dragonfly-operator
// v1.6.1, b28637d78d82) and Dragonfly's own (dragonflydb/dragonfly v1.39.0, the
// release that operator defaults to).

const MiB = 1024 * 1024;

const dragonflyCases = claimCases().filter(c => c.engine === 'dragonfly');

function dragonflyIn(claim: ClaimObject, pop: string) {
  const resource = renderClaim(claim, contextFor(pop)).find(
    r => r.kind === 'Dragonfly',
  );
  if (!resource) throw new Error(`${claim.metadata.name}: no Dragonfly`);
  return resource.spec as any;
}

function maxmemoryOf(spec: any): number {
  const flags = (spec.args ?? []).filter((a: string) =>
    a.startsWith('--maxmemory='),
  );
  expect(flags).toHaveLength(1);
  return Number(flags[0].slice('--maxmemory='.length));
}

describe.each(dragonflyCases.map(c => [c.id, c] as const))(
  'Dragonfly of %s',
  (_id, c) => {
    const claim = claimFrom(c.id, c.spec);
    const regions = c.spec.replication.regions;

    // dragonfly-operator v1.6.1 internal/resources/resources.go checkLabels:
    // "cannot override operator-managed label", and the StatefulSet is not made.
    it('overrides none of the labels the operator manages (resources.go checkLabels)', () => {
      const managed = [
        'app.kubernetes.io/component',
        'app.kubernetes.io/instance',
        'app.kubernetes.io/name',
        'app.kubernetes.io/version',
        'app.kubernetes.io/part-of',
        'app.kubernetes.io/managed-by',
        'app',
      ];
      const spec = dragonflyIn(claim, regions[0]);
      for (const labels of [
        spec.labels,
        spec.podMetadata?.labels,
        spec.ownedObjectsMetadata?.labels,
        spec.serviceSpec?.labels,
      ]) {
        for (const key of managed) expect(labels ?? {}).not.toHaveProperty(key);
      }
    });

    // dragonfly-operator v1.6.1 internal/resources/resources.go: "cron specified
    // without a persistent volume claim" unless snapshot.dir is set, and
    // persistentVolumeClaimSpec excludes existingPersistentVolumeClaimName.
    it('gives a snapshot schedule somewhere to write (resources.go snapshot checks)', () => {
      for (const pop of regions) {
        const snapshot = dragonflyIn(claim, pop).snapshot;
        if (!snapshot) continue;
        const target =
          snapshot.dir ||
          snapshot.persistentVolumeClaimSpec ||
          snapshot.existingPersistentVolumeClaimName;
        expect(!snapshot.cron || Boolean(target)).toBe(true);
        expect(
          snapshot.persistentVolumeClaimSpec &&
            snapshot.existingPersistentVolumeClaimName,
        ).toBeFalsy();
      }
    });

    // dragonfly v1.39.0 src/server/dfly_main.cc: left at 0, maxmemory is 0.8 of
    // the memory found at start-up (the node's MemAvailable capped by the
    // cgroup limit), so it moves with the node's load; and RunEngine exits when
    // maxmemory is below 256MiB per proactor thread (one thread per CPU).
    it('caps data below the memory limit, with room for every thread (dfly_main.cc)', () => {
      const spec = dragonflyIn(claim, regions[0]);
      const limit = toGi(spec.resources.limits.memory) * 1024 * MiB;
      const maxmemory = maxmemoryOf(spec);
      expect(maxmemory).toBeLessThanOrEqual(limit * DRAGONFLY_MAXMEMORY_SHARE);
      expect(maxmemory).toBeGreaterThan(
        limit * (DRAGONFLY_MAXMEMORY_SHARE - 0.01),
      );
      const threads = Math.ceil(toCores(spec.resources.limits.cpu));
      expect(maxmemory).toBeGreaterThanOrEqual(threads * 256 * MiB);
    });
  },
);

describe('Dragonfly snapshots', () => {
  // dragonfly v1.39.0 src/server/detail/snapshot_storage.cc
  // AwsS3SnapshotStorage::LoadPath and FindMatchingFile: at start-up Dragonfly
  // lists `--dir` and loads the newest `dump-{timestamp}` under it.
  it('puts each region of a global claim under its own prefix, so a restart reloads its own data', () => {
    const global = dragonflyCases.find(c => c.plan === 'global');
    if (!global) throw new Error('no global Dragonfly case');
    const claim = claimFrom(global.id, global.spec);
    const regions = global.spec.replication.regions;
    expect(regions.length).toBeGreaterThan(1);
    const dirs = regions.map(pop => dragonflyIn(claim, pop).snapshot.dir);
    expect(new Set(dirs).size).toBe(regions.length);
    regions.forEach((pop, i) => {
      expect(dirs[i]).toBe(
        `s3://dbaas-backups/tenant-123/${global.id}-svc-${global.id}/${pop}`,
      );
    });
  });

  it('keeps the claim prefix of a one-region claim where it was', () => {
    const single = dragonflyCases.find(
      c => c.spec.replication.regions.length === 1 && c.spec.backup.enabled,
    );
    if (!single) throw new Error('no one-region Dragonfly case with backups');
    const claim = claimFrom(single.id, single.spec);
    expect(dragonflyIn(claim, single.spec.region).snapshot.dir).toBe(
      `s3://dbaas-backups/tenant-123/${single.id}-svc-${single.id}`,
    );
  });
});

describe('Dragonfly release', () => {
  // dragonfly-operator v1.6.1 internal/resources/version.go: Version = "v1.39.0",
  // the release the operator runs when a Dragonfly names no image.
  it("runs the operator's default release for the catalog's default version", () => {
    const dragonfly = skuCatalog.engines.find(e => e.id === 'dragonfly')!;
    expect(engineRelease('dragonfly', dragonfly.defaultVersion)).toBe(
      'v1.39.0',
    );
    for (const version of dragonfly.versions) {
      expect(engineRelease('dragonfly', version)).toMatch(
        new RegExp(`^v${version.replace('.', '\\.')}\\.\\d+$`),
      );
    }
  });
});
