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
