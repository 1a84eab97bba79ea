import yaml from 'js-yaml';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../repoRoot';

type CatalogLocation = {
  type: string;
  target: string;
  rules?: { allow: string[] }[];
};

/**
 * The `catalog` section of an app-config file of the repository: its rules
 * and locations, and whatever else it sets.
 */
export type PortalCatalogConfig = {
  rules?: { allow: string[] }[];
  locations: CatalogLocation[];
};

/**
 * The `catalog` section of the repository's `app-config.yaml` (or another of
 * its config files), as a test backend's config: the same rules and
 * organization sources the portal runs with, so that a test fails when they
 * change. File targets are made absolute; the file resolves them from
 * packages/backend, where the backend runs (app-config.production.yaml from
 * the repository root: pass `from: ''`).
 */
export function portalCatalogConfig(options?: {
  file?: string;
  from?: string;
}): PortalCatalogConfig {
  const file = options?.file ?? 'app-config.yaml';
  const from = path.resolve(repoRoot, options?.from ?? 'packages/backend');
  const config = yaml.load(
    fs.readFileSync(path.join(repoRoot, file), 'utf8'),
  ) as { catalog: PortalCatalogConfig };
  return {
    ...config.catalog,
    locations: config.catalog.locations.map(location => ({
      ...location,
      target:
        location.type === 'file'
          ? path.resolve(from, location.target)
          : location.target,
    })),
  };
}
