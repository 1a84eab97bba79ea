import {
  DBAAS_LABELS,
  SERVICE_ID_LABEL,
} from '@internal/backstage-plugin-dbaas-common';
import { resource } from './common';
import type { EngineRenderer } from './engines/engineRenderer';
import type { ClaimObject, RenderedResource } from './types';

/**
 * Renames the engine's native series to the names the portal queries. The
 * original name is kept in `dbaas_source`: it tells the series apart when several
 * native series map to one name (commits and rollbacks both count as queries),
 * which would otherwise collide as duplicates within a scrape.
 */
function renamings(
  regex: string,
  target: string,
  where?: { label: string; value: string },
): Record<string, unknown>[] {
  // With `where`, only the series whose label has that value: Prometheus joins
  // the source labels with ';' before matching.
  const match = where
    ? {
        sourceLabels: ['__name__', where.label],
        regex: `(${regex});${where.value}`,
      }
    : { sourceLabels: ['__name__'], regex: `(${regex})` };
  return [
    {
      ...match,
      targetLabel: 'dbaas_source',
      replacement: '$1',
      action: 'replace',
    },
    {
      ...match,
      targetLabel: '__name__',
      replacement: target,
      action: 'replace',
    },
  ];
}

/**
 * A PodMonitor for the engine's exporter. Every series gets the database's id
 * (from the claim, or the pod's `dbaas.io/service-id` label for claims applied
 * without one) and the two DBaaS series names.
 */
export function podMonitor(
  claim: ClaimObject,
  engine: EngineRenderer,
): RenderedResource {
  const { metrics } = engine;
  const serviceId = claim.metadata.labels?.[DBAAS_LABELS.serviceId];
  const interval = claim.spec.observability?.metrics.scrapeInterval;
  const auth = metrics.basicAuth?.(claim);
  return resource(
    claim,
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PodMonitor',
      name: `${claim.metadata.name}-metrics`,
      component: 'monitoring',
    },
    {
      spec: {
        selector: { matchLabels: metrics.selector(claim) },
        namespaceSelector: { matchNames: [claim.metadata.namespace] },
        podMetricsEndpoints: [
          {
            portNumber: metrics.port,
            path: metrics.path,
            ...(interval ? { interval } : {}),
            ...(auth
              ? {
                  basicAuth: {
                    username: { name: auth.secret, key: auth.usernameKey },
                    password: { name: auth.secret, key: auth.passwordKey },
                  },
                }
              : {}),
            relabelings: [
              serviceId
                ? {
                    targetLabel: SERVICE_ID_LABEL,
                    replacement: serviceId,
                    action: 'replace',
                  }
                : {
                    sourceLabels: [
                      '__meta_kubernetes_pod_label_dbaas_io_service_id',
                    ],
                    targetLabel: SERVICE_ID_LABEL,
                    action: 'replace',
                  },
            ],
            metricRelabelings: [
              ...renamings(
                metrics.series.connections,
                'dbaas_connections',
                metrics.series.connectionsWhere,
              ),
              ...renamings(metrics.series.queries, 'dbaas_queries_total'),
            ],
          },
        ],
      },
    },
  );
}
