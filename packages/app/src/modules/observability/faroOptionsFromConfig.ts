import type { ConfigApi } from '@backstage/frontend-plugin-api';

/** What Faro is initialised with; undefined when no collector is configured. */
export type FaroOptions = {
  url: string;
  app: { name: string; environment?: string; version?: string };
};

/**
 * Reads `app.faro` (packages/app/config.d.ts). Faro stays off unless a collector
 * URL is set, so a developer's portal sends nothing anywhere by default.
 */
export function faroOptionsFromConfig(
  config: ConfigApi,
): FaroOptions | undefined {
  const faro = config.getOptionalConfig('app.faro');
  const url = faro?.getOptionalString('collectorUrl');
  if (!faro || !url) return undefined;
  return {
    url,
    app: {
      name: faro.getOptionalString('appName') ?? 'dbaas-portal',
      environment: faro.getOptionalString('environment'),
      version: faro.getOptionalString('version'),
    },
  };
}
