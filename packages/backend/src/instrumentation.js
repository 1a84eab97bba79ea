// Loaded with `--require` before the backend starts, because OpenTelemetry's global
// meter provider must exist before any plugin asks the metrics service for a meter.
// Serves every backend metric (Backstage's own and the DBaaS plugins') in the
// Prometheus text format on DBAAS_METRICS_HOST:DBAAS_METRICS_PORT (default :9464).
const { metrics } = require('@opentelemetry/api');
const { PrometheusExporter } = require('@opentelemetry/exporter-prometheus');
const { MeterProvider } = require('@opentelemetry/sdk-metrics');

const exporter = new PrometheusExporter({
  host: process.env.DBAAS_METRICS_HOST || undefined,
  port: Number(process.env.DBAAS_METRICS_PORT || 9464),
});
const meterProvider = new MeterProvider({ readers: [exporter] });
metrics.setGlobalMeterProvider(meterProvider);

module.exports = { exporter, meterProvider };
