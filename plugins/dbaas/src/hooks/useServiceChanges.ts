import { useApiHolder } from '@backstage/frontend-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  DBAAS_SIGNAL_CHANNEL,
  type ServiceChangedEvent,
} from '@internal/backstage-plugin-dbaas-common';
import { useEffect, useState } from 'react';

/**
 * A number that goes up each time the backend announces a change of a database
 * (of `serviceId` only, when given) on the Signals channel. Pages use it as a
 * dependency of their loads, so a phase change shows without a reload. Stays 0
 * where the Signals plugin is not installed.
 */
export function useServiceChanges(serviceId?: string): number {
  // Optional: the pages keep working, without live updates, when Signals is absent.
  const signalApi = useApiHolder().get(signalApiRef);
  const [changes, setChanges] = useState(0);

  useEffect(() => {
    if (!signalApi) return undefined;
    const subscription = signalApi.subscribe<ServiceChangedEvent>(
      DBAAS_SIGNAL_CHANNEL,
      event => {
        if (!serviceId || event.id === serviceId) {
          setChanges(n => n + 1);
        }
      },
    );
    return () => subscription.unsubscribe();
  }, [signalApi, serviceId]);

  return changes;
}
