import { ResponseError } from '@backstage/errors';
import { DbaasApiError } from './DbaasApiError';

describe('DbaasApiError', () => {
  it('reads the API\u2019s code and message', async () => {
    const error = await DbaasApiError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            code: 'FORBIDDEN',
            message:
              'user:default/jo may not create databases in group:default/payments',
          },
        }),
        { status: 403, statusText: 'Forbidden' },
      ),
    );

    expect(error.status).toBe(403);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toBe(
      'The DBaaS API answered 403 FORBIDDEN: user:default/jo may not create databases in group:default/payments',
    );
  });

  it('says what it can of an answer that is not the API\u2019s', async () => {
    const error = await DbaasApiError.fromResponse(
      new Response('<html>Bad gateway</html>', {
        status: 502,
        statusText: 'Bad Gateway',
      }),
    );

    expect(error.code).toBeUndefined();
    expect(error.message).toBe('The DBaaS API answered 502 Bad Gateway');
  });
});

describe('DbaasApiError.fromResponseError', () => {
  it('reads the API\u2019s code and every offending field from what DbaasClient throws', async () => {
    const refused = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            code: 'INVALID_REQUEST',
            name: 'InputError',
            message: 'Invalid database config: storage.size: Too small',
            details: {
              violations: [
                { field: 'storage.size', constraint: 'Too small' },
                { field: 'regions', constraint: 'Needs at least 2 regions' },
              ],
            },
          },
          request: { method: 'POST', url: '/api/dbaas/v1/services' },
          response: { statusCode: 400 },
        }),
        {
          status: 400,
          statusText: 'Bad Request',
          headers: { 'Content-Type': 'application/json' },
        },
      ),
    );

    const error = DbaasApiError.fromResponseError(refused);

    expect(error.status).toBe(400);
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toBe(
      'The DBaaS API answered 400 INVALID_REQUEST: Invalid database config: storage.size: Too small; regions: Needs at least 2 regions',
    );
  });

  it('says only the status of an answer that was not the API\u2019s', async () => {
    const refused = await ResponseError.fromResponse(
      new Response('<html>Bad gateway</html>', {
        status: 502,
        statusText: 'Bad Gateway',
      }),
    );

    const error = DbaasApiError.fromResponseError(refused);

    expect(error.code).toBeUndefined();
    expect(error.message).toBe('The DBaaS API answered 502 Bad Gateway');
  });
});
