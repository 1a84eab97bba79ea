import {
  claimCases,
  claimFrom,
  contextFor,
} from '../render/__testUtils__/skuClaims';
import { renderClaim, renderFinalBackup } from '../render/renderClaim';
import { MANAGED_KINDS, kindKey } from './managedKinds';

// What the operator watches from the start, prunes and looks through on
// deletion is MANAGED_KINDS, kept in step with the chart's ClusterRole (other
// engines' kinds it lacks are added at run time).
describe('MANAGED_KINDS', () => {
  it('holds every kind a PostgreSQL claim renders, its restore’s ObjectStore and final backup included', () => {
    const managed = new Set(MANAGED_KINDS.map(kindKey));
    const rendered = claimCases()
      .filter(c => c.engine === 'postgresql')
      .flatMap(c =>
        c.pops.flatMap(pop => {
          const claim = claimFrom(c.id, c.spec);
          const final = renderFinalBackup(claim, contextFor(pop));
          return [
            ...renderClaim(claim, contextFor(pop)),
            ...(final ? [final] : []),
          ];
        }),
      );
    expect(
      rendered
        .filter(r => r.metadata.name.endsWith('-restore-source'))
        .map(kindKey),
    ).toContain('barmancloud.cnpg.io/v1/ObjectStore');
    expect(
      [...new Set(rendered.map(kindKey))].filter(k => !managed.has(k)),
    ).toEqual([]);
  });

  it('holds every kind a MongoDB claim renders, its restore, its backups and its final backup included', () => {
    const managed = new Set(MANAGED_KINDS.map(kindKey));
    const rendered = claimCases()
      .filter(c => c.engine === 'mongodb')
      .flatMap(c =>
        c.pops.flatMap(pop => {
          const claim = claimFrom(c.id, {
            ...c.spec,
            restore: { source: 'orders', backup: '2026-03-01T02:00:00Z' },
          });
          const final = renderFinalBackup(claim, contextFor(pop));
          return [
            ...renderClaim(claim, contextFor(pop)),
            ...(final ? [final] : []),
          ];
        }),
      );
    const kinds = [...new Set(rendered.map(kindKey))];
    expect(kinds).toEqual(
      expect.arrayContaining([
        'psmdb.percona.com/v1/PerconaServerMongoDB',
        'psmdb.percona.com/v1/PerconaServerMongoDBRestore',
        'psmdb.percona.com/v1/PerconaServerMongoDBBackup',
      ]),
    );
    expect(kinds.filter(k => !managed.has(k))).toEqual([]);
  });
});
