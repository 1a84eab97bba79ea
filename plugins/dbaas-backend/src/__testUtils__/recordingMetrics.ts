import type { MetricsService } from '@backstage/backend-plugin-api/alpha';

/**
 * Metrics that remember what was recorded, as [instrument, value,
 * attributes]: a fake of Backstage's metrics service, for unit tests.
 */
export function recordingMetrics() {
  const recorded: [string, number, object][] = [];
  const instrument = (name: string) => ({
    add: (value: number, attributes: object) =>
      recorded.push([name, value, attributes]),
    record: (value: number, attributes: object) =>
      recorded.push([name, value, attributes]),
  });
  const metrics = {
    createCounter: instrument,
    createHistogram: instrument,
  } as unknown as MetricsService;
  return { metrics, recorded };
}
