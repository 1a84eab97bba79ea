import {
  ENGINE_DASHBOARD_EXTRA_PANELS,
  ENGINE_DASHBOARD_PANELS as PANELS,
  ENGINE_EXPORTER_SERIES,
  GRAFANA_DASHBOARD_UIDS,
  METRIC_PANELS,
  SERVICE_ID_LABEL,
  metricQueries,
  offerings,
  resourceQueries,
  scopeMatchers,
  type EngineId,
  type EngineSpecificPanel,
  type GrafanaPanel,
  type MetricName,
} from '@internal/backstage-plugin-dbaas-common';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  engineSpecificPanels,
  type EnginePanelQueries,
} from './engineSpecificPanels';
import { metricPanelOptions } from './metricPanelOptions';
import {
  dbaasDashboard,
  labelValuesVariable,
  row,
  timeseriesPanel,
} from './grafanaBuilders';

/** The database the portal links to: Grafana's variable, as the queries read it. */
const DATABASE = { serviceId: '$service_id', rateWindow: '$__rate_interval' };

const ROW_OF: Record<EngineSpecificPanel, GrafanaPanel> = {
  replicationLag: PANELS.replicationRow,
  streamingReplicas: PANELS.replicationRow,
  lastBackupAge: PANELS.backupsRow,
  recoveryWindow: PANELS.backupsRow,
  walArchiveAge: PANELS.backupsRow,
  walArchiveFailures: PANELS.backupsRow,
  cdcSlotLag: PANELS.cdcRow,
};

/**
 * The dashboard of one engine's databases, one at a time (`service_id`): the
 * Metrics tab's five metrics from the very queries the portal runs
 * (metricQueries), memory and disk in bytes, and the rows of series only this
 * engine's exporter has (replication, backups, CDC).
 */
export function engineDashboard(engine: EngineId): Dashboard {
  const name =
    offerings.engines.find(e => e.id === engine)?.displayName ?? engine;
  const matchers = scopeMatchers(DATABASE);
  const builder = dbaasDashboard({
    uid: GRAFANA_DASHBOARD_UIDS.engine[engine],
    title: `DBaaS / ${name}`,
    description: `One ${name} database of the DBaaS portal, chosen by its id (the portal’s Metrics tab links and embeds it).`,
  }).withVariable(
    labelValuesVariable({
      name: 'service_id',
      label: 'Database',
      // The renamed connections series says which exporter it came from,
      // hence which engine: one per pod of each of the engine's databases.
      selector: `dbaas_connections{dbaas_source=~${JSON.stringify(
        ENGINE_EXPORTER_SERIES[engine].connections,
      )}}`,
      labelName: SERVICE_ID_LABEL,
      description: `The database’s id in the portal (its pods’ \`dbaas.io/service-id\` label).`,
    }),
  );

  builder.withRow(row(PANELS.overviewRow));
  for (const metric of Object.keys(METRIC_PANELS) as MetricName[]) {
    builder.withPanel(
      timeseriesPanel(
        METRIC_PANELS[metric],
        [
          {
            expr: metricQueries[metric](DATABASE),
            legend: METRIC_PANELS[metric].title,
          },
        ],
        { ...metricPanelOptions[metric], width: 8 },
      ),
    );
  }
  builder.withPanel(
    timeseriesPanel(
      PANELS.scrapedPods,
      [
        { expr: `sum(up{${matchers}})`, legend: 'scraped' },
        { expr: `count(up{${matchers}})`, legend: 'pods' },
      ],
      {
        unit: 'none',
        min: 0,
        width: 8,
        description:
          'Pods whose exporter Prometheus scraped at the last attempt, of those the PodMonitor selects. Fewer than the pods means some panels miss a pod’s share.',
      },
    ),
  );

  builder.withRow(row(PANELS.resourcesRow));
  builder.withPanel(
    timeseriesPanel(
      PANELS.memoryBytes,
      [
        {
          expr: resourceQueries.memoryWorkingSet(DATABASE),
          legend: 'working set',
        },
        { expr: resourceQueries.memoryLimit(DATABASE), legend: 'limit' },
      ],
      {
        unit: 'bytes',
        min: 0,
        width: 12,
        description:
          'The working set of the database’s containers and the sum of their memory limits: the two sides of the Memory percentage.',
      },
    ),
  );
  builder.withPanel(
    timeseriesPanel(
      PANELS.diskBytes,
      [
        { expr: resourceQueries.diskUsed(DATABASE), legend: 'used' },
        { expr: resourceQueries.diskCapacity(DATABASE), legend: 'capacity' },
      ],
      {
        unit: 'bytes',
        min: 0,
        width: 12,
        description:
          'Bytes used on the database’s volumes and their capacity: the two sides of the Disk percentage.',
      },
    ),
  );

  let currentRow: GrafanaPanel | undefined;
  const panels: Partial<
    Record<EngineSpecificPanel, (matchers: string) => EnginePanelQueries>
  > = engineSpecificPanels[engine];
  for (const key of ENGINE_DASHBOARD_EXTRA_PANELS[
    engine
  ] as readonly EngineSpecificPanel[]) {
    const panel = panels[key];
    if (!panel) {
      throw new Error(`No queries for the ${engine} dashboard's ${key} panel`);
    }
    if (ROW_OF[key] !== currentRow) {
      currentRow = ROW_OF[key];
      builder.withRow(row(currentRow));
    }
    const { queries, options } = panel(matchers);
    builder.withPanel(
      timeseriesPanel(PANELS[key], queries, { ...options, width: 12 }),
    );
  }
  return builder.build();
}
