import type { RoleGrant } from '@internal/backstage-plugin-dbaas-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ACME,
  apiError,
  AS,
  renderOrganizationPart,
} from '../OrganizationPage/__testUtils__/organizationFixtures';
import type { OrganizationPermissions } from '../OrganizationPage/useOrganizationPermissions';
import { OrganizationMembers } from './OrganizationMembers';

const ADA = 'user:default/ada';
const OLU = 'user:default/olu';
const LENA = 'user:default/lena';

const granted = (
  principal: string,
  role: RoleGrant['role'],
  tenant?: string,
): RoleGrant => ({
  principal,
  role,
  ...(tenant ? { tenant } : {}),
  source: 'grant',
  grantedBy: 'user:default/root',
  grantedAt: '2026-12-01T09:00:00.000Z',
});

const team: RoleGrant = {
  principal: 'group:default/payments',
  role: 'service-admin',
  tenant: 'group:default/payments',
  source: 'team',
};

const MEMBERS = [
  granted(ADA, 'org-owner'),
  granted(OLU, 'org-admin'),
  granted(LENA, 'service-viewer', 'group:default/search'),
  team,
];

function render(
  permissions: OrganizationPermissions,
  api: {
    listMembers?: jest.Mock;
    grantRole?: jest.Mock;
    revokeRole?: jest.Mock;
  } = {},
) {
  const listMembers = api.listMembers ?? jest.fn(async () => MEMBERS);
  const grantRole = api.grantRole ?? jest.fn(async (_org, g) => g);
  const revokeRole = api.revokeRole ?? jest.fn(async () => undefined);
  return {
    listMembers,
    grantRole,
    revokeRole,
    rendered: renderOrganizationPart(
      <OrganizationMembers organization={ACME} permissions={permissions} />,
      { api: { listMembers, grantRole, revokeRole } },
    ),
  };
}

const row = async (text: string) =>
  (await screen.findByText(text)).closest('tr')!;

describe('OrganizationMembers', () => {
  it('lists the roles granted and the tenant teams, with their scope and who granted them', async () => {
    render(AS.member);

    const olu = await row('olu');
    expect(within(olu).getByText('Org admin')).toBeInTheDocument();
    expect(within(olu).getByText('Whole organization')).toBeInTheDocument();
    // Who granted it, as the catalog names them.
    expect(within(olu).getByRole('link', { name: 'root' })).toHaveAttribute(
      'href',
      '/catalog/default/user/root',
    );
    const lena = await row('lena');
    expect(within(lena).getByText('Service viewer')).toBeInTheDocument();
    expect(within(lena).getByText('Search')).toBeInTheDocument();
    const payments = (await screen.findByText(/Members of/)).closest('tr')!;
    expect(within(payments).getByText('Service admin')).toBeInTheDocument();
    expect(
      within(payments).getByText('By team membership'),
    ).toBeInTheDocument();
    // A member may look, not change: nothing is offered.
    expect(screen.queryByRole('button', { name: 'Grant a role' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Change role/ })).toBeNull();
    expect(screen.queryByRole('button', { name: /Revoke/ })).toBeNull();
    expect(screen.queryByRole('columnheader', { name: 'Actions' })).toBeNull();
  });

  it('lets an owner grant a role on a tenant, and reloads the members', async () => {
    const { grantRole, listMembers } = render(AS.owner);
    await row('olu');

    await userEvent.click(screen.getByRole('button', { name: 'Grant a role' }));
    const dialog = screen.getByRole('dialog', { name: 'Grant a role in Acme' });
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /User or group/ }),
      'kwame',
    );
    await userEvent.selectOptions(
      within(dialog).getByRole('combobox', { name: 'On' }),
      'Payments',
    );
    // On a tenant, only the service roles.
    const role = within(dialog).getByRole('combobox', { name: /Role/ });
    expect(
      within(role)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['Choose a role', 'Service admin', 'Service viewer']);
    await userEvent.selectOptions(role, 'Service admin');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Grant' }),
    );

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(grantRole).toHaveBeenCalledWith(ACME.id, {
      principal: 'user:default/kwame',
      role: 'service-admin',
      tenant: 'group:default/payments',
    });
    expect(listMembers).toHaveBeenCalledTimes(2);
  });

  it('says what is wrong with a user or group before sending it', async () => {
    const { grantRole } = render(AS.owner);
    await row('olu');
    await userEvent.click(screen.getByRole('button', { name: 'Grant a role' }));
    const dialog = screen.getByRole('dialog');

    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /User or group/ }),
      'component:default/shop',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Grant' }),
    );

    expect(
      within(dialog).getByText(
        'Must be a user or group, such as user:default/ada or group:default/payments',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByText('Choose a role', { selector: 'p' }),
    ).toBeInTheDocument();
    expect(grantRole).not.toHaveBeenCalled();
  });

  it('changes a role on its scope, and revokes one', async () => {
    const { grantRole, revokeRole } = render(AS.owner);
    await row('olu');

    await userEvent.click(
      screen.getByRole('button', { name: 'Change role of user:default/olu' }),
    );
    const change = screen.getByRole('dialog', {
      name: 'Change the role of user:default/olu',
    });
    expect(
      within(change).getByText(
        'On the whole organization, instead of Org admin.',
      ),
    ).toBeInTheDocument();
    // The same role again would change nothing.
    expect(
      within(change).getByRole('button', { name: 'Change role' }),
    ).toBeDisabled();
    await userEvent.selectOptions(
      within(change).getByRole('combobox', { name: /Role/ }),
      'Org owner',
    );
    await userEvent.click(
      within(change).getByRole('button', { name: 'Change role' }),
    );
    await waitFor(() => expect(grantRole).toHaveBeenCalled());
    expect(grantRole).toHaveBeenCalledWith(ACME.id, {
      principal: OLU,
      role: 'org-owner',
    });

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Revoke role of user:default/lena on Search',
      }),
    );
    const revoke = screen.getByRole('dialog', {
      name: 'Revoke the role of user:default/lena',
    });
    expect(
      within(revoke).getByText(/is Service viewer on Search/),
    ).toBeInTheDocument();
    await userEvent.click(
      within(revoke).getByRole('button', { name: 'Revoke' }),
    );
    await waitFor(() =>
      expect(revokeRole).toHaveBeenCalledWith(ACME.id, LENA, {
        tenant: 'group:default/search',
      }),
    );
  });

  it('keeps the last owner: no change or revoke, and says why', async () => {
    render(AS.owner);

    const ada = await row('ada');
    expect(
      within(ada).getByText(
        /The last owner: make another user or group owner first/,
      ),
    ).toBeInTheDocument();
    expect(within(ada).queryByRole('button')).toBeNull();
    // Others' roles may still change.
    expect(
      screen.getByRole('button', { name: 'Change role of user:default/olu' }),
    ).toBeInTheDocument();
  });

  it('lets an owner change another owner once there are two', async () => {
    render(AS.owner, {
      listMembers: jest.fn(async () => [
        granted(ADA, 'org-owner'),
        granted(LENA, 'org-owner'),
      ]),
    });

    expect(
      await screen.findByRole('button', {
        name: 'Revoke role of user:default/ada',
      }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Change role of user:default/lena' }),
    ).toBeInTheDocument();
  });

  it('offers an org admin neither the owner role nor an owner\u2019s row', async () => {
    render(AS.admin, {
      listMembers: jest.fn(async () => [
        granted(ADA, 'org-owner'),
        granted(LENA, 'org-owner'),
        granted(OLU, 'org-admin'),
      ]),
    });

    const ada = await row('ada');
    expect(
      within(ada).getByText("Only an owner changes an owner's role."),
    ).toBeInTheDocument();
    expect(within(ada).queryByRole('button')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Grant a role' }));
    const role = within(screen.getByRole('dialog')).getByRole('combobox', {
      name: /Role/,
    });
    expect(
      within(role)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).not.toContain('Org owner');
  });

  it('shows what the API refused, such as demoting the last owner meanwhile', async () => {
    const grantRole = jest.fn(async () => {
      throw await apiError(409, {
        code: 'CONFLICT',
        message:
          'user:default/olu is the last org-owner of group:default/acme; granting org-member in place of org-owner would leave it without one, so make another principal org-owner first',
      });
    });
    render(AS.owner, { grantRole });
    await row('olu');

    await userEvent.click(
      screen.getByRole('button', { name: 'Change role of user:default/olu' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.selectOptions(
      within(dialog).getByRole('combobox', { name: /Role/ }),
      'Org member',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Change role' }),
    );

    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /is the last org-owner of group:default\/acme/,
    );
  });

  it('says why the members cannot be read', async () => {
    render(AS.owner, {
      listMembers: jest.fn(async () => {
        throw await apiError(404, {
          code: 'NOT_FOUND',
          message: 'There is no organization group:default/acme',
        });
      }),
    });

    expect(
      await screen.findByText('There is no organization group:default/acme'),
    ).toBeInTheDocument();
  });
});
