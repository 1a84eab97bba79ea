import type {
  OrganizationBudgets,
  OrganizationQuotas as Quotas,
  TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  ACME,
  apiError,
  AS,
  renderOrganizationPart,
} from '../OrganizationPage/__testUtils__/organizationFixtures';
import type { OrganizationPermissions } from '../OrganizationPage/useOrganizationPermissions';
import { OrganizationQuotas } from './OrganizationQuotas';

const payments: TenantQuotaUsage = {
  tenant: 'group:default/payments',
  quota: {
    instances: 10,
    storageGi: 10240,
    cpu: 64,
    memoryGi: 256,
    backups: 100,
    cdcPipelines: 20,
  },
  usage: {
    instances: 2,
    storageGi: 500,
    cpu: 8.5,
    memoryGi: 32,
    backups: 4,
    cdcPipelines: 3,
  },
};
const search: TenantQuotaUsage = {
  ...payments,
  tenant: 'group:default/search',
  usage: { ...payments.usage, instances: 0 },
};

const QUOTAS: Quotas = {
  data: [payments, search],
  ceiling: { instances: 20, cpu: 128 },
};

function render(
  permissions: OrganizationPermissions,
  api: {
    getQuotas?: jest.Mock;
    setQuota?: jest.Mock;
    getBudgets?: jest.Mock;
    setBudget?: jest.Mock;
  } = {},
) {
  const getQuotas = api.getQuotas ?? jest.fn(async () => QUOTAS);
  const setQuota = api.setQuota ?? jest.fn(async () => payments);
  // Without prices: no cost, no budgets.
  const getBudgets =
    api.getBudgets ??
    jest.fn(async () => ({ data: [{ tenant: payments.tenant }] }));
  const setBudget = api.setBudget ?? jest.fn();
  renderOrganizationPart(
    <OrganizationQuotas organization={ACME} permissions={permissions} />,
    { api: { getQuotas, setQuota, getBudgets, setBudget } },
  );
  return { getQuotas, setQuota, getBudgets, setBudget };
}

async function openEditor() {
  await userEvent.click(
    await screen.findByRole('button', { name: 'Edit quota of Payments' }),
  );
  return screen.getByRole('dialog', { name: 'Quota of Payments' });
}

describe('OrganizationQuotas', () => {
  it("shows each tenant's usage of its limits and the platform's ceiling", async () => {
    render(AS.member);

    expect(
      await screen.findByRole('progressbar', {
        name: 'Instances used by Payments',
      }),
    ).toHaveAttribute('aria-valuetext', '2 of 10');
    expect(
      screen.getByRole('progressbar', { name: 'CPU used by Search' }),
    ).toHaveAttribute('aria-valuetext', '8.5 of 64 cores');
    expect(
      screen.getByText(
        "No limit may exceed the platform's ceiling: instances 20, cpu 128 cores. Only the organization’s owners set quotas.",
      ),
    ).toBeInTheDocument();
    // Only owners set quotas: nobody else is offered it.
    expect(screen.queryByRole('button', { name: /Edit quota/ })).toBeNull();
  });

  it('lets an owner set a quota, and shows the new usage', async () => {
    const { setQuota, getQuotas } = render(AS.owner);
    const dialog = await openEditor();

    const instances = within(dialog).getByRole('spinbutton', {
      name: 'Instances',
    });
    expect(instances).toHaveValue(10);
    expect(
      within(dialog).getByText('Uses 2; at most 20 (platform ceiling)'),
    ).toBeInTheDocument();
    expect(within(dialog).getByText('Uses 500')).toBeInTheDocument();
    await userEvent.clear(instances);
    await userEvent.type(instances, '15');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Save quota' }),
    );

    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(setQuota).toHaveBeenCalledWith(ACME.id, {
      tenant: 'group:default/payments',
      quota: { ...payments.quota, instances: 15 },
    });
    expect(getQuotas).toHaveBeenCalledTimes(2);
  });

  it('refuses a limit above the ceiling before sending it, saying why', async () => {
    const { setQuota } = render(AS.owner);
    const dialog = await openEditor();

    const cpu = within(dialog).getByRole('spinbutton', { name: 'CPU (cores)' });
    await userEvent.clear(cpu);
    await userEvent.type(cpu, '200');

    expect(
      within(dialog).getByText("Must be at most 128, the platform's ceiling"),
    ).toBeInTheDocument();
    expect(cpu).toHaveAttribute('aria-invalid', 'true');
    expect(
      within(dialog).getByRole('button', { name: 'Save quota' }),
    ).toBeDisabled();
    const backups = within(dialog).getByRole('spinbutton', { name: 'Backups' });
    await userEvent.clear(backups);
    await userEvent.type(backups, '2.5');
    expect(within(dialog).getByText('Must be a whole number')).toBeVisible();
    expect(setQuota).not.toHaveBeenCalled();
  });

  it('shows beside its field what the API refused', async () => {
    const setQuota = jest.fn(async () => {
      throw await apiError(400, {
        code: 'INVALID_REQUEST',
        message:
          "Invalid quota: quota.storageGi: must be at most 9000, the platform's ceiling",
        details: {
          field: 'quota.storageGi',
          violations: [
            {
              field: 'quota.storageGi',
              constraint: "must be at most 9000, the platform's ceiling",
            },
          ],
        },
      });
    });
    render(AS.owner, { setQuota });
    const dialog = await openEditor();

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Save quota' }),
    );

    expect(
      await within(dialog).findByText(
        "must be at most 9000, the platform's ceiling",
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('spinbutton', { name: 'Storage (GiB)' }),
    ).toHaveAttribute('aria-invalid', 'true');
    expect(within(dialog).getByRole('alert')).toHaveTextContent(
      'Invalid quota: quota.storageGi',
    );
  });

  it('says when the platform sets no ceiling', async () => {
    render(AS.owner, {
      getQuotas: jest.fn(async () => ({ ...QUOTAS, ceiling: {} })),
    });

    expect(
      await screen.findByText('The platform sets no ceiling on these limits.'),
    ).toBeInTheDocument();
  });

  describe('budgets', () => {
    const BUDGETS: OrganizationBudgets = {
      currency: 'USD',
      data: [
        {
          tenant: payments.tenant,
          monthlyCost: 624,
          monthlyBudget: 500,
          thresholdReached: 100,
        },
        { tenant: search.tenant, monthlyCost: 0 },
      ],
    };

    it("shows each tenant's monthly cost against its budget, and no way to edit it to a member", async () => {
      render(AS.member, { getBudgets: jest.fn(async () => BUDGETS) });
      const table = (
        await screen.findByRole('heading', { name: 'Monthly cost and budgets' })
      ).closest('table, div[class*="Paper"]') as HTMLElement;
      expect(
        await within(table).findByText('$624.00 of $500.00 a month (125%)'),
      ).toBeInTheDocument();
      expect(within(table).getByText('$0.00 a month')).toBeInTheDocument();
      expect(within(table).getByText('None')).toBeInTheDocument();
      expect(
        screen.queryByRole('button', { name: 'Edit budget of Payments' }),
      ).not.toBeInTheDocument();
      expect(
        screen.getByText(/Only the organization’s owners set budgets/),
      ).toBeInTheDocument();
    });

    it('lets an owner set a budget, and shows the new one', async () => {
      const getBudgets = jest
        .fn()
        .mockResolvedValueOnce(BUDGETS)
        .mockResolvedValue({
          ...BUDGETS,
          data: [
            { tenant: payments.tenant, monthlyCost: 624, monthlyBudget: 1000 },
            BUDGETS.data[1],
          ],
        });
      const setBudget = jest.fn(async () => ({
        tenant: payments.tenant,
        monthlyCost: 624,
        monthlyBudget: 1000,
      }));
      render(AS.owner, { getBudgets, setBudget });
      await userEvent.click(
        await screen.findByRole('button', { name: 'Edit budget of Payments' }),
      );
      const dialog = screen.getByRole('dialog', {
        name: 'Monthly budget of Payments',
      });
      const amount = within(dialog).getByLabelText('Budget (USD a month)');
      expect(amount).toHaveValue(500);
      await userEvent.clear(amount);
      await userEvent.type(amount, '-3');
      expect(within(dialog).getByText('Must be above 0')).toBeInTheDocument();
      expect(
        within(dialog).getByRole('button', { name: 'Save budget' }),
      ).toBeDisabled();
      await userEvent.clear(amount);
      await userEvent.type(amount, '1000');
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Save budget' }),
      );
      expect(setBudget).toHaveBeenCalledWith(ACME.id, {
        tenant: payments.tenant,
        monthlyBudget: 1000,
      });
      expect(
        await screen.findByText('$624.00 of $1,000.00 a month (62%)'),
      ).toBeInTheDocument();
    });

    it('shows nothing of costs when the platform has no prices', async () => {
      render(AS.owner);
      await screen.findByRole('button', { name: 'Edit quota of Payments' });
      expect(
        screen.queryByText('Monthly cost and budgets'),
      ).not.toBeInTheDocument();
    });
  });
});
