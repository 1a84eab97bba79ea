import { InfoCard } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import { offerings } from '@internal/backstage-plugin-dbaas-common';
import Typography from '@material-ui/core/Typography';
import { grafanaDashboardUrl } from './grafanaDashboardUrl';

/**
 * The Grafana dashboard of the database's engine, embedded, when the portal is
 * configured with Grafana (`dbaas.grafana`); nothing at all otherwise. Grafana
 * has to allow embedding and the backend's CSP to allow it as a frame source.
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
  const engineName =
    offerings.engines.find(e => e.id === props.engine)?.displayName ??
    props.engine;
  const dashboardUid = props.engine
    ? config.getOptionalString(`dbaas.grafana.dashboards.${props.engine}`)
    : undefined;
  if (!dashboardUid) {
    return (
      <InfoCard title="Grafana">
        <Typography variant="body2">
          No Grafana dashboard is configured for {engineName ?? 'this engine'}
          {props.engine ? (
            <>
              {' '}
              (<code>dbaas.grafana.dashboards.{props.engine}</code>)
            </>
          ) : null}
          .
        </Typography>
      </InfoCard>
    );
  }
  const url = (kiosk: boolean) =>
    grafanaDashboardUrl({
      baseUrl,
      dashboardUid,
      serviceId: props.serviceId,
      range: props.range,
      kiosk,
    });
  return (
    <InfoCard
      title="Grafana"
      deepLink={{ title: 'Open in Grafana', link: url(false) }}
    >
      <iframe
        title={`Grafana dashboard of ${props.serviceName} (${engineName})`}
        src={url(true)}
        style={{ width: '100%', height: 600, border: 0 }}
      />
    </InfoCard>
  );
};
