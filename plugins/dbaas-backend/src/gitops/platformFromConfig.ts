import type { RootConfigService } from '@backstage/backend-plugin-api';
import {
  ENGINE_OPERATOR_CHARTS,
  type EngineOperatorChart,
} from './engineOperatorCharts';
import {
  OPERATOR_CHART,
  PORTAL_CHART,
  type PlatformOptions,
} from './platformLayout';

/**
 * `dbaas.gitops.platform` (config.d.ts), or undefined when the layout is to
 * leave the platform to people. Throws for an engine operator's repository
 * override naming no operator the layout deploys, so a misspelt name is not
 * silently ignored.
 */
export function platformFromConfig(
  config: RootConfigService,
): PlatformOptions | undefined {
  const platform = config.getOptionalConfig('dbaas.gitops.platform');
  if (!platform) return undefined;
  const operator = platform.getOptionalConfig('operator');
  const portal = platform.getOptionalConfig('portal');
  const engines = platform.getOptionalConfig('engineOperators');
  const repositories = engines?.getOptionalConfig('repositories');
  for (const name of repositories?.keys() ?? []) {
    if (!ENGINE_OPERATOR_CHARTS.some(chart => chart.name === name)) {
      throw new Error(
        `dbaas.gitops.platform.engineOperators.repositories.${name}: there is no engine operator ${name} (${ENGINE_OPERATOR_CHARTS.map(
          chart => chart.name,
        ).join(', ')})`,
      );
    }
  }
  const engineOperators: EngineOperatorChart[] =
    engines?.getOptionalBoolean('enabled') === false
      ? []
      : ENGINE_OPERATOR_CHARTS.map(chart => ({
          ...chart,
          repoURL: repositories?.getOptionalString(chart.name) ?? chart.repoURL,
        }));
  return {
    chartRepository: platform.getString('chartRepository'),
    operator: {
      version: operator?.getOptionalString('version') ?? OPERATOR_CHART.version,
      namespace: operator?.getOptionalString('namespace') ?? 'dbaas-system',
      backupDestination: operator?.getOptionalString('backupDestination'),
    },
    portal:
      portal?.getOptionalBoolean('enabled') === false
        ? undefined
        : {
            version:
              portal?.getOptionalString('version') ?? PORTAL_CHART.version,
            namespace: portal?.getOptionalString('namespace') ?? 'dbaas',
          },
    engineOperators,
  };
}
