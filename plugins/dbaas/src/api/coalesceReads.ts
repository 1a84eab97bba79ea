import type { FetchApi } from '@backstage/frontend-plugin-api';

/**
 * A fetch API on which reads of one URL that are in flight at once are made
 * once, each caller getting its own copy of the answer: the cards of one
 * entity page ask for the same database at once, and each signal makes them
 * all ask again. Once answered, the next read asks again, as a change may have
 * happened since. Requests with options (writes, or reads with headers) are
 * always made.
 */
export function coalesceReads(fetchApi: FetchApi): FetchApi {
  const reads = new Map<string, Promise<Response>>();
  return {
    fetch: (input, init) => {
      if (init !== undefined || typeof input !== 'string') {
        return fetchApi.fetch(input, init);
      }
      let read = reads.get(input);
      if (!read) {
        read = fetchApi.fetch(input).finally(() => reads.delete(input));
        reads.set(input, read);
      }
      // Every caller gets a clone, taken before any of them reads the body.
      return read.then(response => response.clone());
    },
  };
}
