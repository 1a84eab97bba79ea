import {
  engineBackups,
  skuCatalog,
  type EngineId,
} from '@internal/backstage-plugin-dbaas-common';
import { claimCases, claimFrom, contextFor } from './__testUtils__/skuClaims';
import { engineRenderers } from './renderClaim';

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

  it('restores nothing yet, and promises none', () => {
    for (const engine of engines) {
      expect(engineBackups[engine].restore.available).toBe(false);
      expect(engineBackups[engine].pointInTime.available).toBe(false);
    }
  });
});
