import type { RootConfigService } from '@backstage/backend-plugin-api';

/**
 * Who may send the portal alerts, and about the databases of which PoPs: each
 * PoP's Alertmanager calls the webhook with a token of Backstage's external
 * access (`backend.auth.externalAccess`) whose subject is listed here. An
 * Alertmanager speaks for its own PoPs only, so a PoP's cluster taken over
 * cannot raise or clear alerts about databases elsewhere.
 */
export type AlertSources = ReadonlyMap<string, ReadonlySet<string>>;

/** `dbaas.alerts.sources`; none when unset, and then the webhook refuses everyone. */
export function alertSourcesFromConfig(
  config: RootConfigService,
): AlertSources {
  const sources = new Map<string, Set<string>>();
  for (const source of config.getOptionalConfigArray('dbaas.alerts.sources') ??
    []) {
    const subject = source.getString('subject');
    if (sources.has(subject)) {
      throw new Error(
        `dbaas.alerts.sources names ${subject} twice; give it one entry with every PoP it speaks for`,
      );
    }
    const pops = source.getStringArray('pops');
    if (pops.length === 0) {
      throw new Error(
        `dbaas.alerts.sources: ${subject} must name the PoPs whose alerts it sends`,
      );
    }
    sources.set(subject, new Set(pops));
  }
  return sources;
}
