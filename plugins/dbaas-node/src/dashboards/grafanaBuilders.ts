import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import type { GrafanaPanel } from '@internal/backstage-plugin-dbaas-common';

/**
 * One PromQL query of a panel and the name of its series in the legend
 * (Grafana's `{{label}}` templates allowed).
 */
export type PanelQuery = { expr: string; legend: string };

/** What a panel shows and how, besides its queries. */
export type PanelOptions = {
  /** Grafana's unit id: `percent`, `bytes`, `s`, `ops`, ... */
  unit: string;
  description: string;
  /** Grid columns out of 24. */
  width: number;
  min?: number;
  max?: number;
};

// Every panel and variable reads the Prometheus the dashboard's `datasource`
// variable picks, so a dashboard loads in any Grafana whatever its data
// sources are called.
const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

const PANEL_HEIGHT = 8;

/** The dashboard's choice of Prometheus, the first in Grafana's list by default. */
export function datasourceVariable() {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Prometheus')
    .type('prometheus');
}

/**
 * A variable whose values are a label's over the series `selector` selects
 * (Grafana's `label_values`), read again whenever the time range changes.
 * Values from the URL are kept even when not (yet) among them: the portal
 * links a database before Prometheus may list it.
 */
export function labelValuesVariable(options: {
  name: string;
  label: string;
  selector: string;
  labelName: string;
  description: string;
}) {
  const query = `label_values(${options.selector}, ${options.labelName})`;
  return new dashboard.QueryVariableBuilder(options.name)
    .label(options.label)
    .description(options.description)
    .datasource(DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .allowCustomValue(true);
}

function target(query: PanelQuery, index: number, instant = false) {
  const builder = new prometheus.DataqueryBuilder()
    .datasource(DATASOURCE)
    .refId(String.fromCharCode(65 + index))
    .expr(query.expr)
    .legendFormat(query.legend);
  return instant ? builder.instant() : builder.range();
}

/** A graph of the queries over the dashboard's time range. */
export function timeseriesPanel(
  panel: GrafanaPanel,
  queries: PanelQuery[],
  options: PanelOptions,
) {
  const builder = new timeseries.PanelBuilder()
    .id(panel.id)
    .title(panel.title)
    .description(options.description)
    .datasource(DATASOURCE)
    .unit(options.unit)
    .span(options.width)
    .height(PANEL_HEIGHT)
    .fillOpacity(10)
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(
      new common.VizTooltipOptionsBuilder()
        .mode(common.TooltipDisplayMode.Multi)
        .sort(common.SortOrder.Descending),
    )
    .targets(queries.map((query, i) => target(query, i)));
  if (options.min !== undefined) builder.min(options.min);
  if (options.max !== undefined) builder.max(options.max);
  return builder;
}

/**
 * One number over the whole time range (an instant query at its end), green
 * from `good` on (or, with `lowerIsBetter`, up to it) and red otherwise.
 */
export function statPanel(
  panel: GrafanaPanel,
  query: PanelQuery,
  options: PanelOptions & { good: number; lowerIsBetter?: boolean },
) {
  const [below, above] = options.lowerIsBetter
    ? ['green', 'red']
    : ['red', 'green'];
  return new stat.PanelBuilder()
    .id(panel.id)
    .title(panel.title)
    .description(options.description)
    .datasource(DATASOURCE)
    .unit(options.unit)
    .decimals(2)
    .span(options.width)
    .height(PANEL_HEIGHT / 2)
    .noValue('no data in range')
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(
      new common.ReduceDataOptionsBuilder()
        .calcs(['lastNotNull'])
        .values(false),
    )
    .thresholds(
      new dashboard.ThresholdsConfigBuilder()
        .mode(dashboard.ThresholdsMode.Absolute)
        .steps([
          { value: null, color: below },
          { value: options.good, color: above },
        ]),
    )
    .targets([target(query, 0, true)]);
}

/** A row heading the panels added after it. */
export function row(panel: GrafanaPanel) {
  return new dashboard.RowBuilder(panel.title).id(panel.id);
}

/**
 * A dashboard as the charts ship them: read-only (the sidecar puts it back on
 * every change), in the browser's time zone, tagged `dbaas` and linking the
 * other dashboards of the tag.
 */
export function dbaasDashboard(options: {
  uid: string;
  title: string;
  description: string;
}) {
  return (
    new dashboard.DashboardBuilder(options.title)
      .uid(options.uid)
      .description(options.description)
      .tags(['dbaas'])
      .readonly()
      .timezone('browser')
      .time({ from: 'now-6h', to: 'now' })
      .refresh('1m')
      .tooltip(dashboard.DashboardCursorSync.Crosshair)
      // An empty list, to which Grafana adds its built-in annotations.
      .annotations([])
      .link(
        new dashboard.DashboardLinkBuilder('DBaaS dashboards')
          .type(dashboard.DashboardLinkType.Dashboards)
          .tags(['dbaas'])
          .asDropdown(true)
          .includeVars(false)
          .keepTime(true),
      )
      .withVariable(datasourceVariable())
  );
}
