import type { EngineId } from '../catalog/schema';

/**
 * Where an engine's runbook lives: its TechDocs site (`docs/runbooks/{engine}/`,
 * a `mkdocs.yml` beside a `docs/` folder) and the catalog entity that carries
 * it, a Component of type `documentation` named `runbook-{engine}`
 * (`docs/runbooks/{engine}/catalog-info.yaml`). Every database's entity points
 * at its engine's with `backstage.io/techdocs-entity`, so its TechDocs tab
 * shows the runbook; the operator chart's alerts link its pages
 * (`metrics.prometheusRule.runbookUrl`). `runbooks.test.ts` in
 * packages/test-services holds the sites to these names.
 * @public
 */
export const engineRunbook = {
  /** The runbook's entity name in the default namespace. */
  entityName: (engine: EngineId): string => `runbook-${engine}`,
  /** The runbook's entity reference, as `backstage.io/techdocs-entity` takes it. */
  entityRef: (engine: EngineId): string =>
    `component:default/runbook-${engine}`,
  /** The runbook's folder, from the repository's root. */
  directory: (engine: EngineId): string => `docs/runbooks/${engine}`,
} as const;
