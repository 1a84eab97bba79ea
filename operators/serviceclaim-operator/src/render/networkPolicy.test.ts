import {
  specFromSku,
  type RegionId,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimFrom, contextFor } from './__testUtils__/skuClaims';
import { renderClaim } from './renderClaim';
import type { RenderContext } from './types';

function accessPolicy(
  sku: string,
  regions: RegionId[],
  ctx: RenderContext = contextFor(regions[0]),
) {
  const spec = specFromSku(skuCatalog, sku, regions[0]);
  spec.replication.regions = regions;
  return renderClaim(claimFrom(sku, spec), ctx).find(
    r => r.kind === 'NetworkPolicy' && r.metadata.name.endsWith('-access'),
  )!;
}

const peerRules = (policy: ReturnType<typeof accessPolicy>) =>
  ((policy.spec as any).ingress as any[]).filter(rule =>
    rule.from.some((f: any) => f.ipBlock),
  );

describe('the NetworkPolicy between the PoPs of a claim', () => {
  it("admits the other PoPs' pods on the engine's peer ports, and no more", () => {
    const policy = accessPolicy('yb-global', ['lagos', 'frankfurt']);
    expect(peerRules(policy)).toContainEqual({
      from: [
        { ipBlock: { cidr: '10.13.0.0/16' } },
        { ipBlock: { cidr: '10.113.0.0/16' } },
      ],
      ports: [7000, 7100, 9000, 9100].map(port => ({ protocol: 'TCP', port })),
    });
    // Not its own PoP's pods by CIDR: those are selected as the claim's pods.
    expect(JSON.stringify(policy.spec)).not.toContain('10.11.0.0/16');
  });

  it.each([
    ['scy-ring-9', [7000, 7001, 9042, 10001]],
    ['vt-dedicated', [3306, 15999]],
    ['aero-strong-3', [3000]],
  ])('opens %s peer ports %j', (sku, ports) => {
    const policy = accessPolicy(sku, ['lagos', 'johannesburg']);
    const [rule] = peerRules(policy).filter(
      r => r.from[0].ipBlock.cidr === '10.12.0.0/16',
    );
    expect(rule.ports.map((p: any) => p.port)).toEqual(ports);
  });

  it('opens nothing between PoPs for engines whose regions do not talk', () => {
    // PostgreSQL follows an object store; Dragonfly runs each region alone.
    for (const sku of ['pg-global', 'dfly-mem-64g']) {
      const policy = accessPolicy(sku, ['lagos', 'johannesburg']);
      expect(
        peerRules(policy).filter(r =>
          r.from.some((f: any) => f.ipBlock.cidr.startsWith('10.1')),
        ),
      ).toEqual([]);
    }
  });

  it("says which PoPs' members are dropped when their CIDRs are not configured", () => {
    const ctx = { ...contextFor('lagos'), popPodCidrs: undefined };
    const policy = accessPolicy('yb-global', ['lagos', 'frankfurt'], ctx);
    expect(peerRules(policy)).toEqual([]);
    expect(policy.metadata.annotations?.['dbaas.io/render-notes']).toBe(
      "Members in frankfurt cannot reach this PoP: their pod CIDRs are not configured (the operator's popPodCidrs).",
    );
  });
});
