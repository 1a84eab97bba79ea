import { configApiRef, useApi } from '@backstage/frontend-plugin-api';
import {
  faro,
  getWebInstrumentations,
  initializeFaro,
} from '@grafana/faro-web-sdk';
import { useEffect } from 'react';
import { faroOptionsFromConfig } from './faroOptionsFromConfig';

/**
 * Starts Grafana Faro once, at the app's root, when `app.faro.collectorUrl` is
 * set: errors, web vitals, sessions and navigation go to the collector. Renders
 * nothing.
 */
export function FaroInitializer() {
  const config = useApi(configApiRef);
  useEffect(() => {
    const options = faroOptionsFromConfig(config);
    // A second root (hot reload, tests) must not stack a second set of
    // instrumentations. Before initialisation `faro` holds a no-op api but no config.
    if (!options || faro.config) return;
    try {
      initializeFaro({
        ...options,
        instrumentations: getWebInstrumentations({ captureConsole: false }),
      });
    } catch (error) {
      // Observability must never take the portal down with it (a browser
      // without the Performance APIs web vitals read, say).
      // eslint-disable-next-line no-console
      console.warn('Grafana Faro could not start', error);
    }
  }, [config]);
  return null;
}
