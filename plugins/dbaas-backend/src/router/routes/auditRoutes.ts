import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  auditLogQuerySchema,
  dbaasAuditReadPermission,
  dbaasOrganizationReadPermission,
  type AuditLogQuery,
} from '@internal/backstage-plugin-dbaas-common';
import type { Router } from 'express';
import { auditLogEntries } from '../../audit/auditLogEntries';
import { listAuditEvents } from '../../audit/auditOutbox';
import { invalidInput } from '../../errors/invalidInput';
import { placeOf } from '../../operations/visibleOrganizations';
import type { Caller } from '../requestContext';
import { parseInput } from '../parse';
import { callerFrom, type RouteContext } from './RouteContext';

/**
 * `/v1/audit-logs`: a tenant's or an organization's audit events, newest
 * first, each about a database naming it.
 */
export function addAuditRoutes(router: Router, ctx: RouteContext) {
  /**
   * Where the query reads, as permissions place it: the organization named
   * (404 when it does not exist or may not be seen), with the tenant narrowed
   * to it; or the organization of the tenant named.
   */
  async function placeOfQuery(caller: Caller, query: AuditLogQuery) {
    if (query.organization) {
      const organization = await ctx.directory.getOrganization(
        query.organization,
      );
      if (
        !organization ||
        !(await ctx.access.canOnOrganization(
          dbaasOrganizationReadPermission,
          caller.credentials,
          placeOf(organization),
        ))
      ) {
        throw new NotFoundError(
          `There is no organization ${query.organization}`,
        );
      }
      if (
        query.tenant &&
        query.tenant !== organization.id &&
        !organization.tenants.some(t => t.id === query.tenant)
      ) {
        throw invalidInput('query', [
          {
            path: ['tenant'],
            message: `${query.tenant} is neither ${organization.id} nor one of its tenants`,
          },
        ]);
      }
      return { name: organization.id, place: placeOf(organization) };
    }
    const tenant = query.tenant!;
    const organization = await ctx.directory.organizationOf(tenant);
    if (!organization) {
      throw invalidInput('query', [
        {
          path: ['tenant'],
          message: `${tenant} is not a team of any organization in the catalog`,
        },
      ]);
    }
    return { name: tenant, place: { organization, tenants: [tenant] } };
  }

  router.get('/v1/audit-logs', async (req, res) => {
    const caller = callerFrom(req, res);
    const query = parseInput(auditLogQuerySchema, req.query, 'query');
    const { name, place } = await placeOfQuery(caller, query);
    if (
      !(await ctx.access.canOnOrganization(
        dbaasAuditReadPermission,
        caller.credentials,
        place,
      ))
    ) {
      throw new NotAllowedError(
        `${caller.actor} may not read the audit log of ${name}`,
      );
    }
    const page = await listAuditEvents(ctx.db, query);
    res.json({
      ...page,
      data: await auditLogEntries(ctx.services, page.data),
    });
  });
}
