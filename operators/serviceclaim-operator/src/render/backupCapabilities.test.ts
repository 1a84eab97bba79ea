import {
  engineBackups,
  runnableClaimSpecSchema,
  type EngineId,
  type ServiceClaimSpec,
} from '@internal/backstage-plugin-dbaas-common';
import { exampleSkuCatalog as skuCatalog } from '@internal/backstage-plugin-dbaas-common/testUtils';
import { claimCases, claimFrom, contextFor } from './__testUtils__/skuClaims';
import { engineRenderers } from './renderClaim';
import type { ClaimObject } from './types';

// engineBackups (plugins/dbaas-common) is what the API and the portal promise;
// the renderers are what the operator does. One cannot change without the
// other: a renderer that gains or loses a backup kind fails here until the
// table says so.
describe('the backup capability table against the renderers', () => {
  const engines = [...new Set(skuCatalog.skus.map(s => s.engine))];
  const firstCase = (engine: EngineId) =>
    claimCases().find(c => c.engine === engine && c.pops.length === 1)!;

  it.each(engines)('%s: final backup', engine => {
    const c = firstCase(engine);
    const claim = claimFrom(c.id, c.spec);
    const rendered = engineRenderers[engine].finalBackup?.(
      claim,
      contextFor(c.pops[0]),
    );
    expect(Boolean(rendered)).toBe(engineBackups[engine].final.available);
  });

  it.each(engines)(
    '%s: a manual backup is promised only where one is rendered',
    engine => {
      const c = firstCase(engine);
      const plan = engineRenderers[engine].backupRequest?.(
        claimFrom(c.id, c.spec),
        contextFor(c.pops[0]),
        'b-1',
      );
      // Rendered without a report of completion (YugabyteDB, Aerospike) is
      // not a promise the portal makes.
      expect(
        !engineBackups[engine].manual.available || plan?.kind === 'create',
      ).toBe(true);
    },
  );

  it.each(engines)(
    '%s: scheduled backups are promised only where the render schedules them',
    engine => {
      const c = firstCase(engine);
      const [main] = engineRenderers[engine].render(
        claimFrom(c.id, c.spec),
        contextFor(c.pops[0]),
      );
      const wiring = main.metadata.annotations?.['dbaas.io/backup'];
      expect(wiring === 'not-supported').toBe(
        !engineBackups[engine].scheduled.available,
      );
    },
  );

  // A restore is in the claim's spec: an engine renders one when the claim
  // asking for it renders otherwise than the same claim without it. The
  // operator refuses the claim beforehand where the table says unavailable
  // (claimRuleIssues, runnable scope), so a renderer that ignores it never
  // brings up an empty database in its place.
  describe.each(engines)('%s: restores', engine => {
    const c = firstCase(engine);
    const ctx = contextFor(c.pops[0]);
    const withRestore = (restore?: ServiceClaimSpec['restore']) => {
      const spec = structuredClone(c.spec);
      if (restore) spec.restore = restore;
      return claimFrom(c.id, spec);
    };
    const backup = { source: 'orders', backup: '20260301T060000' };
    const pointInTime = { ...backup, pointInTime: '2026-03-01T12:30:00Z' };
    const rendered = (claim: ClaimObject) =>
      JSON.stringify(engineRenderers[engine].render(claim, ctx));
    const plain = rendered(withRestore());

    it('from a backup, promised only where one is rendered', () => {
      expect(runnableClaimSpecSchema.safeParse(c.spec).success).toBe(true);
      const restored = rendered(withRestore(backup)) !== plain;
      expect(restored).toBe(engineBackups[engine].restore.available);
      expect(
        runnableClaimSpecSchema.safeParse(withRestore(backup).spec).success,
      ).toBe(restored);
    });

    it('to a point in time, promised only where the time is rendered', () => {
      const toBackup = rendered(withRestore(backup));
      const toTime = rendered(withRestore(pointInTime));
      const replayed = toTime !== plain && toTime !== toBackup;
      expect(replayed).toBe(engineBackups[engine].pointInTime.available);
      expect(
        runnableClaimSpecSchema.safeParse(withRestore(pointInTime).spec)
          .success,
      ).toBe(replayed);
    });

    it('says why where it is unavailable', () => {
      for (const kind of ['restore', 'pointInTime'] as const) {
        const capability = engineBackups[engine][kind];
        expect(
          capability.available ? capability.how : capability.reason,
        ).toMatch(/\w/);
      }
    });
  });

  it('restores MongoDB and PostgreSQL only', () => {
    expect(
      engines.filter(engine => engineBackups[engine].restore.available).sort(),
    ).toEqual(['mongodb', 'postgresql']);
    expect(
      engines
        .filter(engine => engineBackups[engine].pointInTime.available)
        .sort(),
    ).toEqual(['mongodb', 'postgresql']);
  });
});
