import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  DBAAS_ANNOTATIONS,
  METRIC_PANELS,
  type ServiceMetrics,
} from '@internal/backstage-plugin-dbaas-common';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import { useId, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { dbaasApiRef } from '../../api/DbaasApi';
import {
  ApiErrorPanel,
  MissingServiceId,
  useDatabaseServiceId,
} from '../DatabaseEntity';
import { GrafanaDashboard } from './GrafanaDashboard';
import { MetricChart } from './MetricChart';
import { METRICS_RANGES, type MetricsRangeOption } from './metricsRanges';

const percent = (value: number) => `${value.toFixed(1)}%`;
const count = (value: number) => String(Math.round(value));
const rate = (value: number) =>
  value >= 100 ? String(Math.round(value)) : value.toFixed(1);

// cpu, memory and disk are percentages of what the plan grants (the backend
// divides usage by the pods' limits and the volumes' capacity). Titled as the
// Grafana dashboards' panels of the same queries.
const charts: {
  key: keyof ServiceMetrics['metrics'];
  format: (value: number) => string;
  percent?: boolean;
}[] = [
  { key: 'cpu', format: percent, percent: true },
  { key: 'memory', format: percent, percent: true },
  { key: 'disk', format: percent, percent: true },
  { key: 'connections', format: count },
  { key: 'qps', format: rate },
];

const Charts = (props: { serviceId: string; range: MetricsRangeOption }) => {
  const { serviceId, range } = props;
  const dbaasApi = useApi(dbaasApiRef);
  const { value, loading, error } = useAsyncRetry(() => {
    const end = new Date();
    const start = new Date(end.getTime() - range.durationMs);
    return dbaasApi.getMetrics(serviceId, {
      start: start.toISOString(),
      end: end.toISOString(),
      step: range.step,
    });
  }, [dbaasApi, serviceId, range]);

  if (error) {
    // A 503 says that Prometheus is not configured or not answering; its
    // message names the setting, which is what an operator needs to see.
    return <ApiErrorPanel title="Metrics are unavailable" error={error} />;
  }
  return (
    <>
      {loading && <Progress />}
      {value && (
        <Grid container spacing={3}>
          {charts.map(chart => (
            <Grid item xs={12} md={6} key={chart.key}>
              <MetricChart
                title={METRIC_PANELS[chart.key].title}
                series={value.metrics[chart.key]}
                rangeLabel={range.label}
                format={chart.format}
                percent={chart.percent}
                multiDay={range.durationMs > 24 * 3_600_000}
              />
            </Grid>
          ))}
        </Grid>
      )}
    </>
  );
};

const Loaded = (props: { serviceId: string }) => {
  const { entity } = useEntity();
  const [range, setRange] = useState(METRICS_RANGES[0]);
  const pickerId = useId();
  const picker = (
    <TextField
      id={pickerId}
      select
      label="Time range"
      value={range.id}
      onChange={e =>
        setRange(
          METRICS_RANGES.find(r => r.id === e.target.value) ??
            METRICS_RANGES[0],
        )
      }
      SelectProps={{ native: true }}
      variant="outlined"
      size="small"
    >
      {METRICS_RANGES.map(r => (
        <option key={r.id} value={r.id}>
          {r.label}
        </option>
      ))}
    </TextField>
  );
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard title="Metrics" action={picker}>
          <Charts serviceId={props.serviceId} range={range} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <GrafanaDashboard
          serviceId={props.serviceId}
          serviceName={entity.metadata.title ?? entity.metadata.name}
          engine={entity.metadata.annotations?.[DBAAS_ANNOTATIONS.engine]}
          range={range.id}
        />
      </Grid>
    </Grid>
  );
};

/**
 * The Metrics tab of a database: CPU, memory, disk, connections and queries
 * per second over a chosen range, from the backend's Prometheus, and the other
 * panels of the engine's Grafana dashboard when Grafana is configured.
 */
export const DatabaseMetrics = () => {
  const serviceId = useDatabaseServiceId();
  if (!serviceId) {
    return (
      <InfoCard title="Metrics">
        <MissingServiceId />
      </InfoCard>
    );
  }
  return <Loaded serviceId={serviceId} />;
};
