import { InfoCard } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import {
  ENGINE_IDS,
  GRAFANA_DASHBOARD_UIDS,
  embeddedEnginePanels,
  engineName,
  type EngineId,
} from '@internal/backstage-plugin-dbaas-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { grafanaDashboardUrl } from './grafanaDashboardUrl';

function isEngineId(engine: string | undefined): engine is EngineId {
  return ENGINE_IDS.some(id => id === engine);
}

/**
 * The panels of the engine's Grafana dashboard that the tab does not draw
 * itself (memory and disk in bytes, replication, backups, CDC), each embedded
 * alone by its id, when the portal is configured with Grafana
 * (`dbaas.grafana`); nothing at all otherwise. The dashboard is the one the
 * operator's chart ships for the engine unless `dbaas.grafana.dashboards`
 * names another, which must keep its panel ids. Grafana has to allow
 * embedding and the backend's CSP to allow it as a frame source.
 */
export const GrafanaDashboard = (props: {
  serviceId: string;
  serviceName: string;
  engine?: string;
  range: string;
}) => {
  const config = useApi(configApiRef);
  const baseUrl = config.getOptionalString('dbaas.grafana.baseUrl');
  if (!baseUrl) return null;
  const { engine } = props;
  const engineTitle = engine === undefined ? undefined : engineName(engine);
  if (!isEngineId(engine)) {
    return (
      <InfoCard title="Grafana">
        <Typography variant="body2">
          No Grafana dashboard is shipped for {engineTitle ?? 'this engine'}.
        </Typography>
      </InfoCard>
    );
  }
  const dashboardUid =
    config.getOptionalString(`dbaas.grafana.dashboards.${engine}`) ??
    GRAFANA_DASHBOARD_UIDS.engine[engine];
  const url = (panelId?: number) =>
    grafanaDashboardUrl({
      baseUrl,
      dashboardUid,
      serviceId: props.serviceId,
      range: props.range,
      panelId,
    });
  return (
    <InfoCard
      title="Grafana"
      deepLink={{ title: 'Open in Grafana', link: url() }}
    >
      <Grid container spacing={2}>
        {embeddedEnginePanels(engine).map(panel => (
          <Grid item xs={12} md={6} key={panel.id}>
            <iframe
              title={`${panel.title} of ${props.serviceName} (${engineTitle}), in Grafana`}
              src={url(panel.id)}
              style={{ width: '100%', height: 300, border: 0 }}
            />
          </Grid>
        ))}
      </Grid>
    </InfoCard>
  );
};
