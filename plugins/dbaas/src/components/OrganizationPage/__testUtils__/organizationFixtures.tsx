import { ResponseError } from '@backstage/errors';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  dbaasAuditReadPermission,
  dbaasMembersManagePermission,
  dbaasOwnersManagePermission,
  dbaasQuotaManagePermission,
  type Organization,
} from '@internal/backstage-plugin-dbaas-common';
import type { ReactElement } from 'react';
import { dbaasApiRef, type DbaasApi } from '../../../api/DbaasApi';
import type { OrganizationPermissions } from '../useOrganizationPermissions';

export const ACME: Organization = {
  id: 'group:default/acme',
  title: 'Acme',
  tenants: [
    { id: 'group:default/payments', title: 'Payments' },
    { id: 'group:default/search', title: 'Search' },
  ],
};

/** What each role of the organization may do there (docs/security.md). */
export const AS: Record<'owner' | 'admin' | 'member', OrganizationPermissions> =
  {
    owner: {
      manageMembers: true,
      manageOwners: true,
      manageQuotas: true,
      readAudit: true,
      loading: false,
    },
    admin: {
      manageMembers: true,
      manageOwners: false,
      manageQuotas: false,
      readAudit: true,
      loading: false,
    },
    member: {
      manageMembers: false,
      manageOwners: false,
      manageQuotas: false,
      readAudit: false,
      loading: false,
    },
  };

/** A permission API answering as the permissions say, for the organization only. */
export function permissionApiAs(permissions: OrganizationPermissions) {
  const allowed = new Map([
    [dbaasMembersManagePermission.name, permissions.manageMembers],
    [dbaasOwnersManagePermission.name, permissions.manageOwners],
    [dbaasQuotaManagePermission.name, permissions.manageQuotas],
    [dbaasAuditReadPermission.name, permissions.readAudit],
  ]);
  return {
    authorize: jest.fn(
      async (request: {
        permission: { name: string };
        resourceRef?: string;
      }) => ({
        result:
          request.resourceRef === ACME.id &&
          allowed.get(request.permission.name)
            ? 'ALLOW'
            : 'DENY',
      }),
    ),
  };
}

/** A failed answer of the API, as `DbaasClient` throws it. */
export async function apiError(
  status: number,
  error: { code: string; message: string; details?: object },
) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'Error', ...error },
        request: { method: 'GET', url: '/api/dbaas/v1' },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

/** Renders a part of an organization's page with the given API fakes. */
export function renderOrganizationPart(
  element: ReactElement,
  options: { api: Partial<DbaasApi>; apis?: readonly any[] },
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[[dbaasApiRef, options.api], ...(options.apis ?? [])] as any}
    >
      {element}
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}
