import { claimCases, claimFrom, contextFor } from '../__testUtils__/skuClaims';
import { credentialsSecret } from '../credentials';
import { renderClaim } from '../renderClaim';
import type { ClaimObject } from '../types';
import {
  YBA_ZONES_PER_POP,
  ybaPlacementRegions,
  ybaProviderName,
  ysqlPasswordSecretName,
} from './yugabyte';

// The rules below are the YugabyteDB Anywhere operator's, read in yugabyte/yugabyte-db
// managed/src/main/java/com/yugabyte/yw/common/operator/ at the closest stored version
// to the 2026.1 release (the one whose YBUniverse CRD has tserverVolume and zoneFilter,
// as yugabyte/charts 2026.1 518060801640 crds/concatenated_crd.yaml does).

type Zone = { code: string; numNodes: number };
type Region = { code: string; zones?: Zone[] };

function universeOf(claim: ClaimObject) {
  const universe = renderClaim(claim, contextFor(claim.spec.region)).find(
    r => r.kind === 'YBUniverse',
  );
  if (!universe) throw new Error(`${claim.metadata.name}: no YBUniverse`);
  return universe.spec as any;
}

/**
 * OperatorPlacementInfoHelper.createPlacementInfo: every region needs a zone
 * ("Region '%s' has no valid zones after processing"); verifyPlacementInfo:
 * the zones' numNodes add up to the cluster's numNodes ("Total nodes in
 * placementInfo (%d) does not match numNodes in CR (%d)").
 */
function placementProblems(
  regions: Region[] | undefined,
  numNodes: number,
): string[] {
  if (!regions?.length) return ['No regions specified in CR placement info'];
  const problems: string[] = [];
  for (const region of regions) {
    if (!region.zones?.length) {
      problems.push(`Region '${region.code}' has no valid zones`);
    }
  }
  const total = regions
    .flatMap(r => r.zones ?? [])
    .reduce((sum, z) => sum + z.numNodes, 0);
  if (total !== numNodes) {
    problems.push(
      `Total nodes in placementInfo (${total}) does not match numNodes in CR (${numNodes})`,
    );
  }
  return problems;
}

const ybCases = claimCases().filter(c => c.engine === 'yugabyte');

describe('YugabyteDB renders the YBA operator accepts', () => {
  it('covers every YugabyteDB plan', () => {
    expect(new Set(ybCases.map(c => c.plan))).toEqual(
      new Set(['shared', 'dedicated', 'clustered', 'global']),
    );
  });

  it.each(ybCases.map(c => [c.id, c] as const))(
    '%s: placement zones add up to numNodes (OperatorPlacementInfoHelper.java createPlacementInfo, verifyPlacementInfo)',
    (_id, c) => {
      const spec = universeOf(claimFrom(c.id, c.spec));
      expect(
        placementProblems(spec.placementInfo.regions, spec.numNodes),
      ).toEqual([]);
      // A read replica (dedicated with more regions) is placed the same way.
      const replica = spec.readReplica;
      expect(
        replica
          ? placementProblems(replica.placementInfo?.regions, replica.numNodes)
          : [],
      ).toEqual([]);
    },
  );

  it.each(ybCases.map(c => [c.id, c] as const))(
    '%s: names the tenant namespace provider, with the PoPs as regions (YBUniverseReconciler.java getProvider, createAutoProvider)',
    (_id, c) => {
      // Without providerName the operator makes an auto-provider from
      // suggestedKubernetesConfigs(): the local cluster only, so no other PoP
      // could be placed, and getProvider throws "Provider %s not found" for a
      // named provider that does not exist (the platform prerequisite).
      const claim = claimFrom(c.id, c.spec);
      const spec = universeOf(claim);
      expect(spec.providerName).toBe('dbaas-tenant-123');
      expect(spec.providerName).toBe(ybaProviderName(claim));
      const regions: Region[] = [
        ...spec.placementInfo.regions,
        ...(spec.readReplica?.placementInfo?.regions ?? []),
      ];
      for (const region of regions) {
        expect(c.spec.replication.regions).toContain(region.code);
        for (const zone of region.zones ?? []) {
          expect(zone.code).toMatch(new RegExp(`^${region.code}-[abc]$`));
        }
      }
    },
  );

  it.each(ybCases.map(c => [c.id, c] as const))(
    '%s: names a YSQL password Secret unique outside the tenant namespace (YBUniverseReconciler.java getSecret)',
    (_id, c) => {
      // getSecret reads the Secret in the namespace the operator watches, or in
      // `default` when it watches all namespaces: never the YBUniverse's own,
      // so the tenant's `<claim>-credentials` is not found there, and a bare
      // claim name would collide with another tenant's claim of the same name.
      const claim = claimFrom(c.id, c.spec);
      const spec = universeOf(claim);
      expect(spec.ysqlPassword.secretName).toBe(ysqlPasswordSecretName(claim));
      expect(spec.ysqlPassword.secretName).toBe(`tenant-123.${c.id}.ysql`);
      expect(spec.ysqlPassword.secretName).not.toBe(
        credentialsSecret(claim)!.name,
      );
      // YSQL_PASSWORD_SECRET_KEY: the key the operator reads the password under.
      expect(Object.keys(credentialsSecret(claim)!.keys)).toContain(
        'ysqlPassword',
      );
    },
  );

  it('spreads a multi-AZ cluster over three zones of its PoP', () => {
    const clustered = ybCases.find(c => c.plan === 'clustered')!;
    const spec = universeOf(claimFrom(clustered.id, clustered.spec));
    const [region] = spec.placementInfo.regions as Region[];
    expect(region.zones!.map(z => z.code)).toEqual(
      Array.from(
        { length: Math.min(YBA_ZONES_PER_POP, spec.numNodes) },
        (_, i) => `${region.code}-${'abc'[i]}`,
      ),
    );
    const counts = region.zones!.map(z => z.numNodes);
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  });

  it('stretches a global universe over one region per PoP, evenly', () => {
    const global = ybCases.find(c => c.plan === 'global')!;
    const spec = universeOf(claimFrom(global.id, global.spec));
    const regions = spec.placementInfo.regions as Region[];
    expect(regions.map(r => r.code)).toEqual(global.spec.replication.regions);
    const perRegion = regions.map(r =>
      r.zones!.reduce((sum, z) => sum + z.numNodes, 0),
    );
    // At least one copy per region at RF 3 over three regions.
    for (const nodes of perRegion) {
      expect(nodes).toBeGreaterThanOrEqual(
        Math.floor(spec.numNodes / regions.length),
      );
    }
  });

  it('places a dedicated read replica in the other regions, with zones', () => {
    const dedicated = ybCases.find(c => c.plan === 'dedicated')!;
    const spec = JSON.parse(JSON.stringify(dedicated.spec));
    spec.replication.regions = [
      spec.region,
      'frankfurt',
      'johannesburg',
    ].filter((r, i, all) => all.indexOf(r) === i);
    const universe = universeOf(claimFrom(dedicated.id, spec));
    const others = spec.replication.regions.slice(1);
    expect(universe.readReplica.numNodes).toBe(others.length);
    expect(universe.readReplica.placementInfo.regions).toEqual(
      others.map((code: string) => ({
        code,
        zones: [{ code: `${code}-a`, numNodes: 1 }],
      })),
    );
    expect(
      placementProblems(
        universe.readReplica.placementInfo.regions,
        universe.readReplica.numNodes,
      ),
    ).toEqual([]);
  });

  // A region or zone left without a node is left out rather than sent empty.
  it('splits any node count over any regions exactly', () => {
    for (let nodes = 1; nodes <= 12; nodes++) {
      for (const regions of [
        ['lagos'],
        ['lagos', 'frankfurt', 'johannesburg'],
      ]) {
        for (const multiAZ of [true, false]) {
          expect(
            placementProblems(
              ybaPlacementRegions(regions, nodes, multiAZ),
              nodes,
            ),
          ).toEqual([]);
        }
      }
    }
  });
});
