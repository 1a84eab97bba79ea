import { DbaasClient } from './DbaasClient';

function clientAnswering(response: Response) {
  const fetch = jest.fn(async (_url: string, _init?: RequestInit) => response);
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

  it('changes roles in an organization: a grant as JSON, a revocation by principal and tenant', async () => {
    const { client, fetch } = clientAnswering(
      new Response(null, { status: 204 }),
    );

    await client.grantRole('group:default/acme', {
      principal: 'user:default/olu',
      role: 'org-admin',
    });
    await client.revokeRole('group:default/acme', 'user:default/lena', {
      tenant: 'group:default/payments',
    });

    expect(fetch.mock.calls).toEqual([
      [
        'http://backend.test/api/dbaas/v1/organizations/group%3Adefault%2Facme/members',
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: '{"principal":"user:default/olu","role":"org-admin"}',
        },
      ],
      [
        'http://backend.test/api/dbaas/v1/organizations/group%3Adefault%2Facme/members/user%3Adefault%2Flena?tenant=group%3Adefault%2Fpayments',
        { method: 'DELETE', headers: {} },
      ],
    ]);
  });

  it('asks for a page of audit events with the filters given', async () => {
    const page = { data: [], pagination: { page: 2, limit: 20, total: 21 } };
    const { client, fetch } = clientAnswering(
      new Response(JSON.stringify(page)),
    );

    expect(
      await client.listAuditEvents({
        organization: 'group:default/acme',
        actor: 'user:default/ada',
        action: undefined,
        page: 2,
      }),
    ).toEqual(page);
    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/dbaas/v1/audit-logs?organization=group%3Adefault%2Facme&actor=user%3Adefault%2Fada&page=2',
    );
  });

  it('sends a backend caller\u2019s token with each request', async () => {
    const { client, fetch } = clientAnswering(
      new Response(JSON.stringify({ id: 'a' })),
    );

    await client.getService('a', { token: 'plugin-token' });

    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/dbaas/v1/services/a',
      expect.objectContaining({
        method: 'GET',
        headers: { Authorization: 'Bearer plugin-token' },
      }),
    );
  });

  it('finds a tenant\u2019s database by its exact name among those the search matches', async () => {
    const { client, fetch } = clientAnswering(
      new Response(
        JSON.stringify({
          data: [{ name: 'orders-archive' }, { name: 'orders', id: 'b' }],
          pagination: { page: 1, limit: 100, total: 2 },
        }),
      ),
    );

    await expect(
      client.findService('group:default/payments', 'orders'),
    ).resolves.toEqual({ name: 'orders', id: 'b' });
    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/dbaas/v1/services?tenant=group%3Adefault%2Fpayments&q=orders&limit=100',
    );
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

  it('previews an order as a dry run of the same request', async () => {
    const preview = { dryRun: true, name: 'orders' };
    const { client, fetch } = clientAnswering(
      new Response(JSON.stringify(preview)),
    );
    const order = {
      name: 'orders',
      tenant: 'group:default/payments',
      engine: 'postgresql' as const,
      plan: 'shared' as const,
      region: 'lagos',
    };

    await expect(client.previewService(order)).resolves.toEqual(preview);

    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/dbaas/v1/services?dryRun=true',
      expect.objectContaining({
        method: 'POST',
        body: JSON.stringify(order),
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

describe('DbaasClient CDC pipelines', () => {
  const pipeline = {
    name: 'orders',
    tables: ['public.orders'],
    snapshot: 'initial',
    paused: false,
    state: 'pending',
    topics: ['dbaas.cdc.postgresql.checkout.public.orders'],
    deadLetterTopic: 'dbaas.cdc.postgresql.checkout.dlq-orders-orders',
  };

  it('lists a database\u2019s pipelines with its capability and table form', async () => {
    const list = {
      data: [pipeline],
      capability: { available: false, reason: 'Not offered' },
      tableForm: { parts: ['schema', 'table'], example: 'public.orders' },
    };
    const { client, fetch } = clientAnswering(
      new Response(JSON.stringify(list)),
    );

    await expect(client.listCdcPipelines('svc/1')).resolves.toEqual(list);
    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/dbaas/v1/services/svc%2F1/cdc-pipelines',
    );
  });

  it('creates a pipeline with the request as its body', async () => {
    const { client, fetch } = clientAnswering(
      new Response(JSON.stringify(pipeline), { status: 202 }),
    );
    const request = {
      name: 'orders',
      tables: ['public.orders'],
      snapshot: 'never' as const,
    };

    await expect(client.createCdcPipeline('svc', request)).resolves.toEqual(
      pipeline,
    );
    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/dbaas/v1/services/svc/cdc-pipelines',
      expect.objectContaining({
        method: 'POST',
        body: JSON.stringify(request),
      }),
    );
  });

  it.each([
    ['pauseCdcPipeline', 'pause'],
    ['resumeCdcPipeline', 'resume'],
    ['restartCdcPipeline', 'restart'],
  ] as const)('%s posts to the pipeline\u2019s %s', async (method, verb) => {
    const { client, fetch } = clientAnswering(
      new Response(JSON.stringify(pipeline), { status: 202 }),
    );

    await expect(client[method]('svc', 'orders')).resolves.toEqual(pipeline);
    expect(fetch).toHaveBeenCalledWith(
      `http://backend.test/api/dbaas/v1/services/svc/cdc-pipelines/orders/${verb}`,
      expect.objectContaining({ method: 'POST' }),
    );
  });

  it('deletes a pipeline, whose 202 may have no body', async () => {
    const { client, fetch } = clientAnswering(
      new Response(null, { status: 202 }),
    );

    await expect(
      client.deleteCdcPipeline('svc', 'orders'),
    ).resolves.toBeUndefined();
    expect(fetch).toHaveBeenCalledWith(
      'http://backend.test/api/dbaas/v1/services/svc/cdc-pipelines/orders',
      expect.objectContaining({ method: 'DELETE' }),
    );
  });

  it('throws the API\u2019s refusal of a pipeline', async () => {
    const { client } = clientAnswering(
      new Response(
        JSON.stringify({
          error: {
            code: 'CONFLICT',
            message:
              'public.orders is already captured by database billing of the tenant',
          },
        }),
        { status: 409, statusText: 'Conflict' },
      ),
    );

    await expect(
      client.createCdcPipeline('svc', {
        name: 'orders',
        tables: ['public.orders'],
      }),
    ).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 409,
      body: { error: { code: 'CONFLICT' } },
    });
  });
});

describe('DbaasClient errors', () => {
  it('keeps an error body in the seed\u2019s shape, without Backstage\u2019s fields', async () => {
    const { client } = clientAnswering(
      new Response(
        JSON.stringify({
          error: { code: 'QUOTA_EXCEEDED', message: 'Too many requests' },
        }),
        { status: 429, statusText: 'Too Many Requests' },
      ),
    );

    await expect(client.listOrganizations()).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 429,
      body: { error: { code: 'QUOTA_EXCEEDED', message: 'Too many requests' } },
    });
  });
});
