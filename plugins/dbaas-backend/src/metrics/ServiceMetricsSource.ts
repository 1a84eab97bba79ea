import type {
  EngineId,
  ServiceMetrics,
} from '@internal/backstage-plugin-dbaas-common';

/** The database whose metrics are asked for. */
export type MeteredService = {
  id: string;
  engine: EngineId;
  tenant: string;
  name: string;
};

/** A time range sampled every `stepSeconds` from `start`, both ends included. */
export type MetricsRange = { start: Date; end: Date; stepSeconds: number };

/**
 * Where `GET /services/{id}/metrics` gets a database's time series, so the route
 * does not depend on which monitoring system holds them.
 */
export interface ServiceMetricsSource {
  /**
   * The database's cpu, memory, disk, connections and qps series over the range.
   * A series without samples (a database too new to have been scraped) is empty.
   *
   * Throws InputError for a range that cannot be answered and
   * ServiceUnavailableError when the monitoring system fails.
   */
  query(service: MeteredService, range: MetricsRange): Promise<ServiceMetrics>;
}
