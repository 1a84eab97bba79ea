import type { MetricName } from '@internal/backstage-plugin-dbaas-common';
import type { PanelOptions } from './grafanaBuilders';

/**
 * How the Metrics tab's five metrics are drawn on one database's dashboard;
 * the tenant's dashboard has the same units.
 */
export const metricPanelOptions: Record<
  MetricName,
  Omit<PanelOptions, 'width'>
> = {
  cpu: {
    unit: 'percent',
    min: 0,
    description:
      'CPU used by the database’s containers (cAdvisor), as a percentage of their limits (kube-state-metrics): the plan’s share. The Metrics tab’s query.',
  },
  memory: {
    unit: 'percent',
    min: 0,
    description:
      'Working set of the database’s containers, what the kubelet evicts by, as a percentage of their memory limits. The Metrics tab’s query.',
  },
  disk: {
    unit: 'percent',
    min: 0,
    max: 100,
    description:
      'Bytes used on the database’s volumes as a percentage of their capacity (the kubelet’s volume stats). The Metrics tab’s query.',
  },
  connections: {
    unit: 'none',
    min: 0,
    description:
      'Client connections open on the database’s pods: the exporter’s own series, renamed `dbaas_connections` by the operator’s PodMonitor. The Metrics tab’s query.',
  },
  qps: {
    unit: 'ops',
    min: 0,
    description:
      'Statements or commands served per second, from the exporter’s counters renamed `dbaas_queries_total`. The Metrics tab’s query.',
  },
};
