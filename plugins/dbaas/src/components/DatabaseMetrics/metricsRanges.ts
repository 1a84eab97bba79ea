/** A time range the Metrics tab offers. */
export type MetricsRangeOption = {
  id: '1h' | '6h' | '24h' | '7d';
  label: string;
  durationMs: number;
  /**
   * The query's resolution: 60 to 170 points per series, enough to see a spike
   * and far below the backend's limit of 11,000 points.
   */
  step: string;
};

const HOUR_MS = 3_600_000;

/** The ranges, shortest first; the first is the default. */
export const METRICS_RANGES: MetricsRangeOption[] = [
  { id: '1h', label: 'Last hour', durationMs: HOUR_MS, step: '1m' },
  { id: '6h', label: 'Last 6 hours', durationMs: 6 * HOUR_MS, step: '5m' },
  { id: '24h', label: 'Last 24 hours', durationMs: 24 * HOUR_MS, step: '15m' },
  { id: '7d', label: 'Last 7 days', durationMs: 7 * 24 * HOUR_MS, step: '1h' },
];
