import { NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  dbaasMembersManagePermission,
  dbaasOrganizationReadPermission,
  dbaasOwnersManagePermission,
  dbaasQuotaManagePermission,
  grantRoleRequestSchema,
  ORGANIZATION_ONLY_ROLES,
  setQuotaRequestSchema,
  setBudgetRequestSchema,
  revokeRoleQuerySchema,
  type Organization,
  type OrganizationQuotas,
  type RoleGrant,
  type TenantQuota,
} from '@internal/backstage-plugin-dbaas-common';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import type { Request, Response, Router } from 'express';
import { invalidInput } from '../../errors/invalidInput';
import { tenantQuotaUsage } from '../../operations/tenantQuotaUsage';
import {
  placeOf,
  visibleOrganizations,
} from '../../operations/visibleOrganizations';
import { parseInput, parseOrganizationRef } from '../parse';
import { callerFrom, type RouteContext } from './RouteContext';

/** `/v1/organizations`: organizations, their members' roles and their tenants' quotas. */
export function addOrganizationRoutes(router: Router, ctx: RouteContext) {
  /** The organization of the path; 404 when it does not exist or may not be seen. */
  async function loadOrganization(
    req: Request,
    res: Response,
    permission: ResourcePermission = dbaasOrganizationReadPermission,
  ): Promise<Organization> {
    const caller = callerFrom(req, res);
    const ref = parseOrganizationRef(req.params.id);
    const organization = await ctx.directory.getOrganization(ref);
    const can = (p: ResourcePermission) =>
      ctx.access.canOnOrganization(
        p,
        caller.credentials,
        placeOf(organization!),
      );
    if (!organization || !(await can(dbaasOrganizationReadPermission))) {
      throw new NotFoundError(`There is no organization ${ref}`);
    }
    if (
      permission.name !== dbaasOrganizationReadPermission.name &&
      !(await can(permission))
    ) {
      throw new NotAllowedError(
        `${caller.actor} may not ${permission.name} in ${organization.id}`,
      );
    }
    return organization;
  }

  const tenantOf = (organization: Organization, tenant: string) => {
    if (!organization.tenants.some(t => t.id === tenant)) {
      throw invalidInput('request', [
        {
          path: ['tenant'],
          message: `${tenant} is not a tenant of ${organization.id}`,
        },
      ]);
    }
    return tenant;
  };

  /** The role the principal was granted on the scope (the organization or a tenant). */
  async function heldRole(
    organization: Organization,
    scope: string,
    principal: string,
  ): Promise<RoleGrant | undefined> {
    return (await ctx.grants.listForOrganization(organization.id)).find(
      g => g.principal === principal && (g.tenant ?? organization.id) === scope,
    );
  }

  router.get('/v1/organizations', async (req, res) => {
    res.json({ data: await visibleOrganizations(ctx, callerFrom(req, res)) });
  });

  router.get('/v1/organizations/:id', async (req, res) => {
    res.json(await loadOrganization(req, res));
  });

  router.get('/v1/organizations/:id/members', async (req, res) => {
    const organization = await loadOrganization(req, res);
    const team: RoleGrant[] = organization.tenants.map(tenant => ({
      principal: tenant.id,
      role: 'service-admin',
      tenant: tenant.id,
      source: 'team',
    }));
    const granted = await ctx.grants.listForOrganization(organization.id);
    res.json({ data: [...granted, ...team] });
  });

  router.post('/v1/organizations/:id/members', async (req, res) => {
    const caller = callerFrom(req, res);
    const body = parseInput(grantRoleRequestSchema, req.body, 'role grant');
    const organization = await loadOrganization(
      req,
      res,
      body.role === 'org-owner'
        ? dbaasOwnersManagePermission
        : dbaasMembersManagePermission,
    );
    if (body.tenant && ORGANIZATION_ONLY_ROLES.includes(body.role)) {
      throw invalidInput('role grant', [
        {
          path: ['tenant'],
          message: `${body.role} is a role on the whole organization; leave tenant out`,
        },
      ]);
    }
    const scope = body.tenant
      ? tenantOf(organization, body.tenant)
      : organization.id;
    // A new grant replaces the principal's role on the scope, so granting an
    // owner a lesser role demotes them: that takes an owner, as revoking does.
    const replaced = await heldRole(organization, scope, body.principal);
    if (
      replaced?.role === 'org-owner' &&
      body.role !== 'org-owner' &&
      !(await ctx.access.canOnOrganization(
        dbaasOwnersManagePermission,
        caller.credentials,
        placeOf(organization),
      ))
    ) {
      throw new NotAllowedError(`Only an org-owner may demote an org-owner`);
    }
    const grant = await ctx.audit.record<RoleGrant>(
      req,
      caller,
      {
        action: 'member.grant',
        tenant: body.tenant ?? organization.id,
        organization: organization.id,
        resourceType: 'role-grant',
        resourceId: body.principal,
        details: () => ({ role: body.role, scope }),
      },
      recordAudit =>
        ctx.grants.grant(
          {
            organization: organization.id,
            scope,
            principal: body.principal,
            role: body.role,
            grantedBy: caller.actor,
          },
          recordAudit,
        ),
    );
    res.status(201).json(grant);
  });

  router.delete(
    '/v1/organizations/:id/members/:principal',
    async (req, res) => {
      const caller = callerFrom(req, res);
      const query = parseInput(revokeRoleQuerySchema, req.query, 'query');
      const principal = req.params.principal.toLowerCase();
      const organization = await loadOrganization(
        req,
        res,
        dbaasMembersManagePermission,
      );
      const scope = query.tenant
        ? tenantOf(organization, query.tenant)
        : organization.id;
      const existing = await heldRole(organization, scope, principal);
      if (!existing) {
        throw new NotFoundError(`${principal} holds no role on ${scope}`);
      }
      if (
        existing.role === 'org-owner' &&
        !(await ctx.access.canOnOrganization(
          dbaasOwnersManagePermission,
          caller.credentials,
          placeOf(organization),
        ))
      ) {
        throw new NotAllowedError(`Only an org-owner may revoke an org-owner`);
      }
      await ctx.audit.record<number>(
        req,
        caller,
        {
          action: 'member.revoke',
          tenant: query.tenant ?? organization.id,
          organization: organization.id,
          resourceType: 'role-grant',
          resourceId: principal,
          details: () => ({ role: existing.role, scope }),
        },
        recordAudit =>
          ctx.grants
            .revoke(
              { organization: organization.id, scope, principal },
              recordAudit,
            )
            .then(() => 1),
      );
      res.status(204).end();
    },
  );

  router.get('/v1/organizations/:id/quotas', async (req, res) => {
    const organization = await loadOrganization(req, res);
    const answer: OrganizationQuotas = {
      data: await tenantQuotaUsage(
        ctx,
        organization.tenants.map(t => t.id),
      ),
      ceiling: ctx.limits.quotaCeiling(),
    };
    res.json(answer);
  });

  router.put('/v1/organizations/:id/quotas', async (req, res) => {
    const caller = callerFrom(req, res);
    const body = parseInput(setQuotaRequestSchema, req.body, 'quota');
    const organization = await loadOrganization(
      req,
      res,
      dbaasQuotaManagePermission,
    );
    const tenant = tenantOf(organization, body.tenant);
    await ctx.audit.record<TenantQuota>(
      req,
      caller,
      {
        action: 'quota.set',
        tenant,
        organization: organization.id,
        resourceType: 'quota',
        resourceId: tenant,
        details: quota => ({ quota }),
      },
      recordAudit =>
        ctx.services
          .setQuota(tenant, body.quota, recordAudit)
          .then(() => body.quota),
    );
    const [usage] = await tenantQuotaUsage(ctx, [tenant]);
    res.json(usage);
  });

  router.get('/v1/organizations/:id/budgets', async (req, res) => {
    const organization = await loadOrganization(req, res);
    res.json(await ctx.costs.list(organization.tenants.map(t => t.id)));
  });

  // Budgets are set by whoever may set quotas: the same people decide how
  // much a tenant may order and how much it should spend.
  router.put('/v1/organizations/:id/budgets', async (req, res) => {
    const caller = callerFrom(req, res);
    const body = parseInput(setBudgetRequestSchema, req.body, 'budget');
    const organization = await loadOrganization(
      req,
      res,
      dbaasQuotaManagePermission,
    );
    const tenant = tenantOf(organization, body.tenant);
    res.json(
      await ctx.costs.setBudget(
        { req, caller },
        {
          tenant,
          organization: organization.id,
          monthlyBudget: body.monthlyBudget,
        },
      ),
    );
  });
}
