import { coreApis } from '@backstage/frontend-plugin-api';
import { renderTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import type { Organization } from '@internal/backstage-plugin-dbaas-common';
import { act, cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { mutate } from 'swr';
import { dbaasApiRef, type DbaasApi } from '../../api/DbaasApi';
import { dbaasPlugin } from '../../plugin';
import type { OrganizationPermissions } from './useOrganizationPermissions';
import {
  ACME,
  AS,
  permissionApiAs,
} from './__testUtils__/organizationFixtures';

const GLOBEX: Organization = {
  id: 'group:default/globex',
  title: 'Globex',
  tenants: [],
};

function renderAt(
  path: string,
  options: {
    permissions?: OrganizationPermissions;
    organizations?: Organization[];
  } = {},
) {
  const api: Partial<DbaasApi> = {
    listOrganizations: async () => options.organizations ?? [ACME],
    getOrganization: async id => {
      if (id !== 'acme') throw new Error(`There is no organization ${id}`);
      return ACME;
    },
    listMembers: async () => [
      {
        principal: 'user:default/ada',
        role: 'org-owner',
        source: 'grant',
        grantedBy: 'user:default/root',
        grantedAt: '2026-12-01T09:00:00.000Z',
      },
    ],
    getQuotas: async () => ({ data: [], ceiling: {} }),
    listQuotas: async () => [],
    listAuditEvents: async () => ({
      data: [],
      pagination: { page: 1, limit: 20, total: 0 },
    }),
    listServices: async () => ({
      data: [],
      pagination: { page: 1, limit: 20, total: 0 },
    }),
    listRegions: async () => [],
  };
  const permissionApi = permissionApiAs(options.permissions ?? AS.owner);
  const rendered = renderTestApp({
    features: [dbaasPlugin],
    initialRouteEntries: [path],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    apis: [
      [dbaasApiRef, api as DbaasApi],
      // Its answers are AuthorizeResult's values, spelled out.
      [permissionApiRef, permissionApi as any],
    ],
  });
  return { ...rendered, permissionApi };
}

const pathname = (apis: ReturnType<typeof renderAt>['apis']) =>
  apis.get(coreApis.appHistory)!.getSnapshot().location.pathname;

describe('the organization pages', () => {
  // usePermission keeps its answers in SWR's cache, which is the module's and
  // so outlives a test, and asks again for a key at most every 2 s: a member
  // rendered right after an owner would be shown the owner's answers.
  // Unmounted first, or the page's hooks would ask again at once.
  afterEach(async () => {
    cleanup();
    await mutate(() => true, undefined, { revalidate: true });
  });

  it("leads from the Databases page to the user's organization", async () => {
    const { apis } = renderAt('/databases');

    // MUI gives a link styled as a button the button role.
    await userEvent.click(
      await screen.findByRole('button', { name: 'Organization' }),
    );

    expect(
      await screen.findByRole('heading', { name: 'Acme' }),
    ).toBeInTheDocument();
    expect(pathname(apis)).toBe('/databases/organizations/acme');
  });

  it('lists the organizations of someone in several, each leading to its page', async () => {
    const { apis } = renderAt('/databases', {
      organizations: [ACME, GLOBEX],
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Organizations' }),
    );
    await userEvent.click(await screen.findByRole('link', { name: 'Acme' }));

    await screen.findByRole('heading', { name: 'Acme' });
    expect(pathname(apis)).toBe('/databases/organizations/acme');
  });

  it('shows an owner the members, quotas and audit log, one tab at a time', async () => {
    renderAt('/databases/organizations/acme');

    const tabs = await screen.findByRole('tablist', {
      name: 'Acme: members, quotas and audit log',
    });
    await waitFor(() =>
      expect(screen.getAllByRole('tab').map(t => t.textContent)).toEqual([
        'Members',
        'Quotas',
        'Audit log',
      ]),
    );
    expect(tabs).toBeInTheDocument();
    expect(
      await screen.findByRole('tabpanel', { name: 'Members' }),
    ).toHaveTextContent('Members and roles (1)');

    await userEvent.click(screen.getByRole('tab', { name: 'Quotas' }));
    expect(
      await screen.findByText('The platform sets no ceiling on these limits.'),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('tab', { name: 'Audit log' }));
    expect(await screen.findByText('Audit log (0)')).toBeInTheDocument();
  });

  it('offers a member no audit log, and nothing to change', async () => {
    const { permissionApi } = renderAt('/databases/organizations/acme', {
      permissions: AS.member,
    });

    expect(
      await screen.findByText('Members and roles (1)'),
    ).toBeInTheDocument();
    // Asked once each, for this organization; then the page shows the answers.
    await waitFor(() =>
      expect(permissionApi.authorize).toHaveBeenCalledTimes(4),
    );
    expect(
      permissionApi.authorize.mock.calls.map(([r]) => r.resourceRef),
    ).toEqual([ACME.id, ACME.id, ACME.id, ACME.id]);
    await act(() => Promise.resolve());
    expect(screen.getAllByRole('tab').map(t => t.textContent)).toEqual([
      'Members',
      'Quotas',
    ]);
    expect(screen.queryByRole('button', { name: 'Grant a role' })).toBeNull();
  });

  it('says why an organization cannot be shown', async () => {
    renderAt('/databases/organizations/initech');

    expect(
      await screen.findByText('There is no organization initech'),
    ).toBeInTheDocument();
  });
});
