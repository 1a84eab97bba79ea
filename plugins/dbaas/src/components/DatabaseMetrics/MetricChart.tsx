import type { ServiceMetrics } from '@internal/backstage-plugin-dbaas-common';
import { useTheme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import {
  CartesianGrid,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

type Series = ServiceMetrics['metrics']['cpu'];

const HEIGHT = 200;
const timeOfDay = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dayAndTime = new Intl.DateTimeFormat(undefined, {
  dateStyle: 'short',
  timeStyle: 'short',
});

/**
 * One metric over the chosen range, with its latest value written out: the
 * chart is a picture, the caption is what a screen reader (and a hurried
 * reader) gets.
 */
export const MetricChart = (props: {
  title: string;
  series: Series;
  rangeLabel: string;
  /** Formats a value with its unit, e.g. `42.5%`. */
  format: (value: number) => string;
  /** Percentages are drawn on a 0-100 axis so that a flat line reads as low. */
  percent?: boolean;
  /** Whether the range spans days, so ticks need the date. */
  multiDay: boolean;
}) => {
  const theme = useTheme();
  const { series, format } = props;
  const points = series.timestamps.map((timestamp, i) => ({
    time: Date.parse(timestamp),
    value: series.values[i],
  }));
  const latest = series.values[series.values.length - 1];
  const ticks = props.multiDay ? dayAndTime : timeOfDay;
  return (
    <figure
      aria-label={`${props.title}, ${props.rangeLabel.toLowerCase()}`}
      style={{ margin: 0 }}
    >
      <Typography variant="subtitle1" component="figcaption">
        {props.title}:{' '}
        {latest === undefined
          ? 'no data in this range'
          : `${format(latest)} now`}
      </Typography>
      {points.length > 0 && (
        <ResponsiveContainer
          width="100%"
          height={HEIGHT}
          // Charts are measured after mounting; a first size avoids drawing
          // nothing until then (and where ResizeObserver is missing).
          initialDimension={{ width: 400, height: HEIGHT }}
        >
          <LineChart data={points}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="time"
              type="number"
              scale="time"
              domain={['dataMin', 'dataMax']}
              tickFormatter={(time: number) => ticks.format(time)}
              minTickGap={24}
            />
            <YAxis
              domain={props.percent ? [0, 100] : [0, 'auto']}
              tickFormatter={(value: number) => format(value)}
              width={64}
            />
            <Tooltip
              labelFormatter={time => dayAndTime.format(Number(time))}
              formatter={value => [format(Number(value)), props.title]}
            />
            <Line
              type="monotone"
              dataKey="value"
              stroke={theme.palette.primary.main}
              dot={false}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
};
