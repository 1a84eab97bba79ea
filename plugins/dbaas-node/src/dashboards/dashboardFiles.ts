import {
  ENGINE_IDS,
  GRAFANA_DASHBOARD_UIDS,
} from '@internal/backstage-plugin-dbaas-common';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { engineDashboard } from './engineDashboard';
import { portalDashboard } from './portalDashboard';
import { tenantDashboard } from './tenantDashboard';

/** A dashboard's JSON as a chart ships it, and where. */
export type DashboardFile = {
  /** From the repository's root: `charts/<chart>/dashboards/<uid>.json`. */
  path: string;
  dashboard: Dashboard;
  content: string;
};

function file(chart: string, dashboard: Dashboard): DashboardFile {
  return {
    path: `charts/${chart}/dashboards/${dashboard.uid}.json`,
    dashboard,
    content: `${JSON.stringify(dashboard, null, 2)}\n`,
  };
}

/**
 * Every dashboard the charts ship, as `yarn generate` writes them: the
 * engines' and the tenants' in the serviceclaim-operator chart, which runs in
 * every PoP beside the Prometheus that scrapes its databases; the portal's in
 * the dbaas-portal chart. Helm cannot run this code, so the charts read the
 * committed JSON (`.Files.Get`) and `dashboardFiles.test.ts` fails while it is
 * stale.
 */
export function dashboardFiles(): DashboardFile[] {
  const files = [
    ...ENGINE_IDS.map(engine =>
      file('serviceclaim-operator', engineDashboard(engine)),
    ),
    file('serviceclaim-operator', tenantDashboard()),
    file('dbaas-portal', portalDashboard()),
  ];
  const uids = [
    ...Object.values(GRAFANA_DASHBOARD_UIDS.engine),
    GRAFANA_DASHBOARD_UIDS.tenant,
    GRAFANA_DASHBOARD_UIDS.portal,
  ];
  if (files.some(f => !uids.includes(f.dashboard.uid ?? ''))) {
    throw new Error('A dashboard has no uid of GRAFANA_DASHBOARD_UIDS');
  }
  return files;
}
