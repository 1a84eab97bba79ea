import { mockServices } from '@backstage/backend-test-utils';
import { DbaasReadableTenantsClient } from './DbaasReadableTenantsClient';

describe('DbaasReadableTenantsClient', () => {
  const fetchMock = jest.spyOn(global, 'fetch');
  const logger = mockServices.logger.mock();
  const client = (ttlMs = 10_000) =>
    new DbaasReadableTenantsClient(
      {
        discovery: mockServices.discovery(),
        auth: mockServices.auth({ pluginId: 'permission' }),
        logger,
      },
      { ttlMs },
    );
  const answer = (tenants: string[]) =>
    new Response(JSON.stringify({ tenants }), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });

  afterEach(() => fetchMock.mockReset());
  afterAll(() => fetchMock.mockRestore());

  it('asks the DBaaS plugin as the permission plugin, and keeps the answer for a while', async () => {
    fetchMock.mockResolvedValue(answer(['group:default/ledger']));
    const tenants = client();
    const principals = ['user:default/ada', 'group:default/payments'];
    expect(await tenants.readableTenants(principals)).toEqual([
      'group:default/ledger',
    ]);
    expect(await tenants.readableTenants([...principals].reverse())).toEqual([
      'group:default/ledger',
    ]);
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0];
    expect(String(url)).toMatch(/\/api\/dbaas\/internal\/readable-tenants$/);
    expect(JSON.parse(String(init?.body))).toEqual({ principals });
    expect((init?.headers as Record<string, string>).authorization).toMatch(
      /^Bearer mock-service-token:.*"sub":"plugin:permission"/,
    );
  });

  it('asks again once the answer is older than the TTL', async () => {
    fetchMock.mockImplementation(async () => answer([]));
    const tenants = client(0);
    await tenants.readableTenants(['user:default/ada']);
    await tenants.readableTenants(['user:default/ada']);
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('answers no tenants when the DBaaS plugin fails, and does not keep that answer', async () => {
    fetchMock.mockResolvedValueOnce(
      new Response('{"error":{"message":"down"}}', { status: 503 }),
    );
    const tenants = client();
    expect(await tenants.readableTenants(['user:default/ada'])).toEqual([]);
    expect(logger.warn).toHaveBeenCalled();
    fetchMock.mockResolvedValueOnce(answer(['group:default/ledger']));
    expect(await tenants.readableTenants(['user:default/ada'])).toEqual([
      'group:default/ledger',
    ]);
  });
});
