import { mockServices } from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { ResponseError } from '@backstage/errors';
import { serviceClaimSpecSchema } from '@internal/backstage-plugin-dbaas-common';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { errorHandler } from './errorHandler';
import { QuotaExceededError } from '../database/QuotaExceededError';

function appThrowing(error: unknown) {
  const logger = mockServices.logger.mock();
  const router = Router();
  router.get('/fail', async () => {
    throw error;
  });
  router.use(errorHandler(logger));
  return { app: express().use(router), logger };
}

describe('errorHandler', () => {
  it.each([
    [new InputError('bad'), 400, 'INVALID_REQUEST'],
    [new NotAllowedError('no'), 403, 'FORBIDDEN'],
    [new NotFoundError('gone'), 404, 'NOT_FOUND'],
    [new ConflictError('taken'), 409, 'CONFLICT'],
    [new ServiceUnavailableError('later'), 503, 'SERVICE_UNAVAILABLE'],
  ])('answers %p with %i %s and its message', async (error, status, code) => {
    const response = await request(appThrowing(error).app).get('/fail');
    expect(response.status).toBe(status);
    expect(response.body.error).toMatchObject({
      code,
      message: (error as Error).message,
    });
    expect(response.body.response).toEqual({ statusCode: status });
  });

  it('names every offending field of a validation failure in details', async () => {
    const parsed = serviceClaimSpecSchema.safeParse({ engine: 'oracle' });
    const { app } = appThrowing(new InputError('Invalid claim', parsed.error));

    const response = await request(app).get('/fail');

    expect(response.body.error.details.field).toBe('engine');
    expect(
      response.body.error.details.violations.map((v: any) => v.field),
    ).toEqual(
      expect.arrayContaining([
        'engine',
        'version',
        'plan',
        'region',
        'storage',
      ]),
    );
  });

  it('answers a quota with 429 and Retry-After', async () => {
    const { app } = appThrowing(
      new QuotaExceededError('100 requests a minute', 17),
    );

    const response = await request(app).get('/fail');

    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('17');
    expect(response.body.error).toMatchObject({
      code: 'QUOTA_EXCEEDED',
      details: { retryAfterSeconds: 17 },
    });
  });

  it('hides the internals of an unexpected error and logs it', async () => {
    const { app, logger } = appThrowing(
      new TypeError('x is undefined at db.ts:12'),
    );

    const response = await request(app).get('/fail');

    expect(response.status).toBe(500);
    expect(response.body.error.code).toBe('INTERNAL_ERROR');
    expect(JSON.stringify(response.body)).not.toContain('db.ts');
    expect(logger.error).toHaveBeenCalled();
  });

  it('answers a malformed JSON body with 400, not 500', async () => {
    const logger = mockServices.logger.mock();
    const router = Router();
    router.use(express.json());
    router.post('/echo', async (req, res) => {
      res.json(req.body);
    });
    router.use(errorHandler(logger));

    const response = await request(express().use(router))
      .post('/echo')
      .set('Content-Type', 'application/json')
      .send('{"engine": ');

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('INVALID_REQUEST');
  });

  it('stays readable by the frontend client', async () => {
    const response = await fetchLike(
      appThrowing(new NotFoundError('no such database')).app,
    );
    const error = await ResponseError.fromResponse(response);
    expect(error.body.error.message).toBe('no such database');
    expect(error.statusCode).toBe(404);
  });
});

async function fetchLike(app: express.Express): Promise<Response> {
  const response = await request(app).get('/fail');
  return new Response(JSON.stringify(response.body), {
    status: response.status,
    headers: { 'Content-Type': 'application/json' },
  });
}
