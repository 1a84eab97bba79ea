import { NotAllowedError } from '@backstage/errors';
import {
  registerApiClientRequestSchema,
  type ApiClientList,
} from '@internal/backstage-plugin-dbaas-common';
import type { Request, Response, Router } from 'express';
import { parseInput } from '../parse';
import { callerFrom, type RouteContext } from './RouteContext';

/** The signed-in user calling; API clients are registered by and for users only. */
function userOf(req: Request, res: Response): string {
  const { credentials, actor } = callerFrom(req, res);
  if ((credentials.principal as { type: string }).type !== 'user') {
    throw new NotAllowedError(
      'API clients are registered by the signed-in user they are to act for, not by a plugin or another client',
    );
  }
  return actor;
}

/**
 * `/v1/api-clients`: the scripts' clients that act for the caller. Each change
 * goes to the portal's audit log through Backstage's auditor (an API client
 * belongs to a user, not to a tenant, so it has no tenant's audit events).
 */
export function addApiClientRoutes(router: Router, ctx: RouteContext) {
  router.get('/v1/api-clients', async (req, res) => {
    const body: ApiClientList = {
      data: await ctx.apiClients.listFor(userOf(req, res)),
    };
    res.json(body);
  });

  router.post('/v1/api-clients', async (req, res) => {
    const owner = userOf(req, res);
    const body = parseInput(
      registerApiClientRequestSchema,
      req.body,
      'API client',
    );
    const event = await ctx.auditor.createEvent({
      eventId: 'api-client.register',
      request: req,
      severityLevel: 'high',
      meta: { requestId: callerFrom(req, res).requestId },
    });
    try {
      const { client, created } = await ctx.apiClients.register(owner, body);
      await event.success({ meta: { subject: client.subject, created } });
      res.status(created ? 201 : 200).json(client);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });

  router.delete('/v1/api-clients/:subject', async (req, res) => {
    const owner = userOf(req, res);
    const event = await ctx.auditor.createEvent({
      eventId: 'api-client.remove',
      request: req,
      severityLevel: 'high',
      meta: {
        requestId: callerFrom(req, res).requestId,
        subject: req.params.subject,
      },
    });
    try {
      await ctx.apiClients.remove(req.params.subject, owner);
      await event.success();
      res.status(204).end();
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  });
}
