import { engineBackups } from '@internal/backstage-plugin-dbaas-common';
import {
  standInObjects,
  standInStatus,
  type EnginePhase,
} from '@internal/test-services';
import {
  claimCases,
  claimFrom,
  contextFor,
} from '../render/__testUtils__/skuClaims';
import { renderClaim } from '../render/renderClaim';
import { claimStatusFrom, engineStatusReaders } from './claimStatus';
import type { ObservedResource } from './engineStatus';

// The engine operator stand-in (packages/test-services, the whole loop's and
// scripts/play-engine-operators.sh's) must report each engine the way this
// operator's status readers understand its operator: a healthy engine reads
// Active, one being set up Provisioning, a failed one Failed (Vitess and
// Dragonfly operators have no failed state: it stays Provisioning). When a
// reader learns a stricter rule of its operator, the stand-in follows here.

const NOW = new Date('2026-03-01T12:00:00Z');

const expected: Record<EnginePhase, string[]> = {
  healthy: ['Active'],
  provisioning: ['Provisioning'],
  failed: ['Failed', 'Provisioning'],
};

describe('the engine operator stand-in, read by the status readers', () => {
  // Restored claims too, where the engine restores: its restore's progress is
  // read with the cluster's.
  const restored = claimCases()
    .filter(c => !c.spec.restore && engineBackups[c.engine].restore.available)
    .map(c => ({
      ...c,
      id: `${c.id}-restored`,
      spec: {
        ...c.spec,
        restore: { source: c.id, backup: '2026-03-01T02:00:00Z' },
      },
    }));
  const cases = [...claimCases(), ...restored].flatMap(c =>
    c.pops.map(pop => [c.id, pop, c] as const),
  );

  it.each(cases)('%s in %s', (id, pop, c) => {
    const claim = claimFrom(id, c.spec);
    const rendered = renderClaim(claim, contextFor(pop));
    const reader = engineStatusReaders[claim.spec.engine];
    if (!rendered.some(r => r.kind === reader.kind)) return;
    const misread: string[] = [];
    for (const phase of ['healthy', 'provisioning', 'failed'] as const) {
      // Each engine resource with its status, and what the stand-in makes
      // for it as the engine's operator would (the Dragonfly StatefulSet).
      const observed: ObservedResource[] = rendered.flatMap(resource => {
        const object = {
          ...resource,
          metadata: { ...resource.metadata, generation: 1, uid: 'u-1' },
        };
        const status = standInStatus(object, phase, NOW);
        return [
          { ...object, ...(status ? { status } : {}) },
          ...standInObjects(object, phase),
        ];
      });
      const read = claimStatusFrom(claim, observed, NOW);
      if (!expected[phase].includes(read.phase ?? '')) {
        const ready = read.conditions?.find(k => k.type === 'Ready');
        misread.push(`${phase} read as ${read.phase}: ${ready?.message}`);
      }
    }
    expect(misread).toEqual([]);
  });
});
