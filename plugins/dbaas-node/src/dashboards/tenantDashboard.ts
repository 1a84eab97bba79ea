import {
  GRAFANA_DASHBOARD_UIDS,
  KUBE_SERVICE_ID_LABEL,
  METRIC_PANELS,
  SERVICE_ID_LABEL,
  metricQueries,
  type MetricName,
} from '@internal/backstage-plugin-dbaas-common';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  dbaasDashboard,
  labelValuesVariable,
  timeseriesPanel,
} from './grafanaBuilders';
import { metricPanelOptions } from './metricPanelOptions';

/** Every database of the tenant whose namespace the variable names. */
const TENANT = { namespace: '$namespace', rateWindow: '$__rate_interval' };

/**
 * All databases of one tenant (its namespace, `tenant-<slug>`), whatever
 * their engine: the Metrics tab's five metrics, one series per database, by
 * the same queries over the namespace.
 */
export function tenantDashboard(): Dashboard {
  const builder = dbaasDashboard({
    uid: GRAFANA_DASHBOARD_UIDS.tenant,
    title: 'DBaaS / Tenant',
    description:
      'Every database of one tenant in this PoP, by database id: the five metrics of the portal’s Metrics tab.',
  }).withVariable(
    labelValuesVariable({
      name: 'namespace',
      label: 'Tenant namespace',
      selector: `kube_pod_labels{${KUBE_SERVICE_ID_LABEL}!=""}`,
      labelName: 'namespace',
      description:
        'The tenant’s namespace, `tenant-<slug>`: the namespaces holding pods of a database.',
    }),
  );
  for (const metric of Object.keys(METRIC_PANELS) as MetricName[]) {
    builder.withPanel(
      timeseriesPanel(
        METRIC_PANELS[metric],
        [
          {
            expr: metricQueries[metric](TENANT),
            legend: `{{${SERVICE_ID_LABEL}}}`,
          },
        ],
        {
          ...metricPanelOptions[metric],
          width: metric === 'qps' ? 24 : 12,
          description: `${METRIC_PANELS[metric].title} of each database of the tenant, named by its id in the portal; the query of the Metrics tab, over the namespace.`,
        },
      ),
    );
  }
  return builder.build();
}
