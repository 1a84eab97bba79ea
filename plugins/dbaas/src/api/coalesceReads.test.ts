import { DbaasClient } from '@internal/backstage-plugin-dbaas-common';
import { coalesceReads } from './coalesceReads';

describe('DbaasClient reads', () => {
  it('asks once for a database that two cards ask for at the same time', async () => {
    const fetch = jest.fn(
      async (_url: string) => new Response(JSON.stringify({ id: 'a' })),
    );
    const client = new DbaasClient({
      discoveryApi: {
        getBaseUrl: async plugin => `http://backend.test/api/${plugin}`,
      },
      fetchApi: coalesceReads({ fetch: fetch as any }),
    });

    const [first, second] = await Promise.all([
      client.getService('a'),
      client.getService('a'),
    ]);
    expect(first).toEqual({ id: 'a' });
    expect(second).toEqual({ id: 'a' });
    expect(fetch).toHaveBeenCalledTimes(1);

    // Once answered, the next read asks again: a change may have happened since.
    await client.getService('a');
    expect(fetch).toHaveBeenCalledTimes(2);
  });
});
