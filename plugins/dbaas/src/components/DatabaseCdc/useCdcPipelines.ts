import { useApi } from '@backstage/frontend-plugin-api';
import type { CdcPipelineView } from '@internal/backstage-plugin-dbaas-common';
import { useCallback, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useInterval from 'react-use/esm/useInterval';
import { dbaasApiRef } from '../../api/DbaasApi';
import { useServiceChanges } from '../../hooks/useServiceChanges';
import { withAdded } from '../../utils/withAdded';

/**
 * How often the pipelines are listed again while one is on its way to what
 * was asked (pending, or a pause or resume not yet done): Kafka Connect takes
 * its own time, and its report reaches the portal with the claim's status.
 */
export const CDC_POLL_MS = 10_000;

/** Whether a pipeline is not yet where it was asked to be. */
export function inTransition(pipeline: CdcPipelineView): boolean {
  if (pipeline.state === 'pending') return true;
  if (pipeline.state === 'failed') return false;
  return pipeline.paused !== (pipeline.state === 'paused');
}

/** A pipeline changed here (undefined: deleted), after `load` loads had started. */
type Change = { name: string; view?: CdcPipelineView; load: number };

/**
 * A database's CDC pipelines, listed again when the backend announces a
 * change of the database and every CDC_POLL_MS while one is in transition.
 * What this page did shows at once: a new pipeline until the list has it, a
 * paused, resumed, restarted or deleted one as the API answered until a list
 * asked for after the change comes back.
 */
export function useCdcPipelines(serviceId: string) {
  const dbaasApi = useApi(dbaasApiRef);
  const changes = useServiceChanges(serviceId);
  const loads = useRef(0);
  // A dependency rather than useAsyncRetry's retry, which does nothing while
  // a load is under way: a change made meanwhile needs a load of its own.
  const [reloads, setReloads] = useState(0);
  const reload = useCallback(() => setReloads(n => n + 1), []);
  const listed = useAsync(async () => {
    loads.current += 1;
    const load = loads.current;
    return { ...(await dbaasApi.listCdcPipelines(serviceId)), load };
  }, [dbaasApi, serviceId, changes, reloads]);
  const [created, setCreated] = useState<CdcPipelineView[]>([]);
  const [changed, setChanged] = useState<Change[]>([]);

  // A reload that fails (a poll on a bad network) keeps the last list shown,
  // beneath the error.
  const lastList = useRef(listed.value);
  if (listed.value) lastList.current = listed.value;
  const list = listed.value ?? lastList.current;
  let pipelines = withAdded(created, list?.data, (a, b) => a.name === b.name);
  for (const change of changed) {
    if (list && list.load > change.load) continue;
    pipelines = change.view
      ? pipelines.map(p => (p.name === change.name ? change.view! : p))
      : pipelines.filter(p => p.name !== change.name);
  }

  useInterval(reload, pipelines.some(inTransition) ? CDC_POLL_MS : null);

  const onCreated = useCallback((pipeline: CdcPipelineView) => {
    setCreated(current => [pipeline, ...current]);
  }, []);
  const onChanged = useCallback(
    (name: string, view?: CdcPipelineView) => {
      if (!view) setCreated(current => current.filter(p => p.name !== name));
      setChanged(current => [
        ...current.filter(c => c.name !== name),
        { name, view, load: loads.current },
      ]);
      reload();
    },
    [reload],
  );

  return {
    pipelines,
    /** What the engine offers and how it names a table, once listed. */
    capability: list?.capability,
    tableForm: list?.tableForm,
    loaded: list !== undefined,
    loading: listed.loading,
    error: listed.error,
    onCreated,
    onChanged,
  };
}
