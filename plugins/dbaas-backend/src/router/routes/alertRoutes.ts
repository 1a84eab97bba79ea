import { NotAllowedError } from '@backstage/errors';
import {
  alertmanagerWebhookSchema,
  dbaasServiceUpdatePermission,
  muteAlertsRequestSchema,
  type AlertMute,
  type MuteAlertsRequest,
} from '@internal/backstage-plugin-dbaas-common';
import express, { type Router } from 'express';
import { parseInput } from '../parse';
import { loadService } from './loadService';
import { callerFrom, type RouteContext } from './RouteContext';

/**
 * `POST /v1/alerts/alertmanager`: the webhook a PoP's Alertmanager posts its
 * alerts to. Its own body parser, as a batch of alerts outgrows the API's
 * 64 kB; and before the rate limit, as a storm of alerts is when the teams
 * must hear of them.
 */
export function addAlertmanagerWebhook(router: Router, ctx: RouteContext) {
  router.post(
    '/v1/alerts/alertmanager',
    express.json({ limit: '4mb' }),
    async (req, res) => {
      const { credentials } = callerFrom(req, res);
      const principal = credentials.principal as {
        type: string;
        subject?: string;
      };
      if (principal.type !== 'service' || !principal.subject) {
        throw new NotAllowedError(
          'Only an Alertmanager of dbaas.alerts.sources may send alerts',
        );
      }
      const batch = parseInput(alertmanagerWebhookSchema, req.body, 'alerts');
      res.json(await ctx.alertReceiver.receive(principal.subject, batch));
    },
  );
  // Every other route takes, of service callers, the portal's own plugins
  // (`plugin:…`), which the permission policy trusts as Backstage does, and
  // registered API clients, which DbaasAccess decides as the users they act
  // for. Any other external-access token of backend.auth.externalAccess
  // (static or JWKS) is trusted no further than the webhook above: without
  // this, any token configured for any tool would read, change and delete
  // every tenant's databases, as the policy cannot tell it from a plugin.
  router.use(async (req, res, next) => {
    const { principal } = callerFrom(req, res).credentials as {
      principal: { type: string; subject?: string };
    };
    const subject = principal.subject ?? '';
    if (principal.type !== 'service' || subject.startsWith('plugin:')) {
      next();
      return;
    }
    if (ctx.apiClients.isClientSubject(subject)) {
      if (!(await ctx.apiClients.actingFor(subject))) {
        throw new NotAllowedError(
          `${subject} is not a registered API client: the user it is to act for registers it with POST /api/dbaas/v1/api-clients (docs/api.md, "Scripts and CI jobs")`,
        );
      }
      next();
      return;
    }
    throw new NotAllowedError(
      ctx.alertReceiver.isSource(subject)
        ? `${subject} is an Alertmanager: it may only send alerts`
        : `${subject} is not a plugin of the portal: an external-access token opens the DBaaS API only to the API clients of dbaas.apiClients and to the Alertmanagers of dbaas.alerts.sources (their webhook only)`,
    );
  });
}

/** `/v1/services/{id}/alerts`: a database's alerts, and muting them. */
export function addAlertRoutes(router: Router, ctx: RouteContext) {
  router.get('/v1/services/:id/alerts', async (req, res) => {
    const record = await loadService(ctx, callerFrom(req, res), req.params.id);
    res.json(await ctx.alerts.list(record.id));
  });

  router.put('/v1/services/:id/alerts/mute', async (req, res) => {
    const body: MuteAlertsRequest = parseInput(
      muteAlertsRequestSchema,
      req.body,
      'mute',
    );
    const caller = callerFrom(req, res);
    const record = await loadService(
      ctx,
      caller,
      req.params.id,
      dbaasServiceUpdatePermission,
    );
    const until = new Date(Date.now() + body.minutes * 60_000).toISOString();
    const mute = await ctx.audit.record<AlertMute>(
      req,
      caller,
      {
        action: 'alerts.mute',
        tenant: record.tenant,
        organization: record.organization,
        resourceType: 'service',
        resourceId: record.id,
        details: () => ({ until, reason: body.reason }),
      },
      recordAudit =>
        ctx.alerts.mute(
          record.id,
          { until, reason: body.reason, mutedBy: caller.actor },
          recordAudit,
        ),
    );
    res.json(mute);
  });

  router.delete('/v1/services/:id/alerts/mute', async (req, res) => {
    const caller = callerFrom(req, res);
    const record = await loadService(
      ctx,
      caller,
      req.params.id,
      dbaasServiceUpdatePermission,
    );
    await ctx.audit.record<boolean>(
      req,
      caller,
      {
        action: 'alerts.unmute',
        tenant: record.tenant,
        organization: record.organization,
        resourceType: 'service',
        resourceId: record.id,
      },
      recordAudit => ctx.alerts.unmute(record.id, recordAudit),
    );
    res.status(204).end();
  });
}
