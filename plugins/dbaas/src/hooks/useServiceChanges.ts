import { useApiHolder } from '@backstage/frontend-plugin-api';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  DBAAS_SIGNAL_CHANNEL,
  type ServiceChangedEvent,
} from '@internal/backstage-plugin-dbaas-common';
import { useEffect, useState } from 'react';

/**
 * A number that goes up each time the backend announces a change of a database
 * (of `serviceIds` only, one id or several, when given) on the Signals
 * channel. Pages use it as a dependency of their loads, so a phase change
 * shows without a reload. Stays 0 where the Signals plugin is not installed.
 */
export function useServiceChanges(
  serviceIds?: string | readonly string[],
): number {
  // Optional: the pages keep working, without live updates, when Signals is absent.
  const signalApi = useApiHolder().get(signalApiRef);
  const [changes, setChanges] = useState(0);
  // A string, so that a new array of the same ids does not subscribe again.
  const key =
    typeof serviceIds === 'string' ? serviceIds : serviceIds?.join(' ');

  useEffect(() => {
    if (!signalApi) return undefined;
    const ids = key === undefined ? undefined : new Set(key.split(' '));
    const subscription = signalApi.subscribe<ServiceChangedEvent>(
      DBAAS_SIGNAL_CHANNEL,
      event => {
        if (!ids || ids.has(event.id)) {
          setChanges(n => n + 1);
        }
      },
    );
    return () => subscription.unsubscribe();
  }, [signalApi, key]);

  return changes;
}
