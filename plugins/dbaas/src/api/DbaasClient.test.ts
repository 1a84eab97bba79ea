import { DbaasClient } from './DbaasClient';

function clientAnswering(response: Response) {
  const fetch = jest.fn(async (_url: string) => response);
  const client = new DbaasClient({
    discoveryApi: {
      getBaseUrl: async plugin => `http://backend.test/api/${plugin}`,
    },
    fetchApi: { fetch: fetch as any },
  });
  return { client, fetch };
}

describe('DbaasClient', () => {
  it('asks for the SKUs with the given filters and returns the items', async () => {
    const { client, fetch } = clientAnswering(
      new Response(JSON.stringify({ items: [{ id: 'scy-ring-3' }] })),
    );

    const skus = await client.listSkus({ engine: 'scylla', region: 'lagos' });

    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/dbaas/v1/catalog/skus?engine=scylla&region=lagos',
    );
    expect(skus).toEqual([{ id: 'scy-ring-3' }]);
  });

  it('throws an error carrying the backend message', async () => {
    const { client } = clientAnswering(
      new Response(
        JSON.stringify({
          error: { name: 'InputError', message: 'Invalid SKU filter: plan' },
          request: { method: 'GET', url: '/api/dbaas/v1/catalog/skus' },
          response: { statusCode: 400 },
        }),
        { status: 400, headers: { 'Content-Type': 'application/json' } },
      ),
    );

    await expect(client.listSkus({ plan: 'shared' })).rejects.toMatchObject({
      name: 'ResponseError',
      body: { error: { message: 'Invalid SKU filter: plan' } },
    });
  });

  it('asks for an organization\u2019s quotas with its reference encoded', async () => {
    const usage = { tenant: 'group:default/payments' };
    const { client, fetch } = clientAnswering(
      new Response(JSON.stringify({ data: [usage] })),
    );

    const quotas = await client.listQuotas('group:default/acme');

    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/dbaas/v1/organizations/group%3Adefault%2Facme/quotas',
    );
    expect(quotas).toEqual([usage]);
  });
});

describe('DbaasClient writes', () => {
  it('requests a manual backup with a JSON body', async () => {
    const backup = { id: 'b1', status: 'pending' };
    const { client, fetch } = clientAnswering(
      new Response(JSON.stringify(backup), { status: 201 }),
    );

    await expect(
      client.createBackup('svc/1', 'before migration'),
    ).resolves.toEqual(backup);

    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/dbaas/v1/services/svc%2F1/backups',
      expect.objectContaining({
        method: 'POST',
        body: JSON.stringify({
          type: 'manual',
          description: 'before migration',
        }),
      }),
    );
  });

  it('lists databases with only the filters that are set', async () => {
    const page = { data: [], pagination: { page: 2, limit: 50, total: 0 } };
    const { client, fetch } = clientAnswering(
      new Response(JSON.stringify(page)),
    );

    await expect(
      client.listServices({ page: 2, limit: 50, q: '', engine: 'scylla' }),
    ).resolves.toEqual(page);

    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/dbaas/v1/services?page=2&limit=50&engine=scylla',
    );
  });
});

describe('DbaasClient reads', () => {
  it('asks once for a database that two cards ask for at the same time', async () => {
    const fetch = jest.fn(
      async (_url: string) => new Response(JSON.stringify({ id: 'a' })),
    );
    const client = new DbaasClient({
      discoveryApi: {
        getBaseUrl: async plugin => `http://backend.test/api/${plugin}`,
      },
      fetchApi: { fetch: fetch as any },
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
