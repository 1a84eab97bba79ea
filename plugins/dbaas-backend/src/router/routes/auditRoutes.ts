import { NotAllowedError } from '@backstage/errors';
import {
  auditLogQuerySchema,
  dbaasAuditReadPermission,
} from '@internal/backstage-plugin-dbaas-common';
import type { Router } from 'express';
import { listAuditEvents } from '../../audit/auditOutbox';
import { invalidInput } from '../../errors/invalidInput';
import { parseInput } from '../parse';
import { callerFrom, type RouteContext } from './RouteContext';

/** `/v1/audit-logs`: a tenant's audit events, newest first. */
export function addAuditRoutes(router: Router, ctx: RouteContext) {
  router.get('/v1/audit-logs', async (req, res) => {
    const caller = callerFrom(req, res);
    const query = parseInput(auditLogQuerySchema, req.query, 'query');
    const organization = await ctx.directory.organizationOf(query.tenant);
    if (!organization) {
      throw invalidInput('query', [
        {
          path: ['tenant'],
          message: `${query.tenant} is not a team of any organization in the catalog`,
        },
      ]);
    }
    if (
      !(await ctx.access.canOnOrganization(
        dbaasAuditReadPermission,
        caller.credentials,
        { organization, tenants: [query.tenant] },
      ))
    ) {
      throw new NotAllowedError(
        `${caller.actor} may not read the audit log of ${query.tenant}`,
      );
    }
    res.json(await listAuditEvents(ctx.db, query));
  });
}
