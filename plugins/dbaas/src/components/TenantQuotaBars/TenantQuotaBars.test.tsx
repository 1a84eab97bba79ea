import { ResponseError } from '@backstage/errors';
import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import type {
  Organization,
  TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { dbaasApiRef, type DbaasApi } from '../../api/DbaasApi';
import { TenantQuotaBars } from './TenantQuotaBars';

const acme: Organization = {
  id: 'group:default/acme',
  title: 'Acme',
  tenants: [
    { id: 'group:default/payments', title: 'Payments' },
    { id: 'group:default/search', title: 'Search' },
  ],
};
const globex: Organization = {
  id: 'group:default/globex',
  title: 'Globex',
  tenants: [{ id: 'group:default/billing', title: 'Billing' }],
};

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

function renderBars(
  listQuotas: DbaasApi['listQuotas'],
  organizations: Organization[] = [acme],
) {
  return renderInTestApp(
    <TestApiProvider apis={[[dbaasApiRef, { listQuotas }]]}>
      <TenantQuotaBars organizations={organizations} />
    </TestApiProvider>,
  );
}

const bar = (name: string) => screen.getByRole('progressbar', { name });

describe('TenantQuotaBars', () => {
  it('shows what each tenant uses of each limit', async () => {
    await renderBars(async () => [payments]);

    expect(
      await screen.findByRole('progressbar', {
        name: 'Instances used by Payments',
      }),
    ).toHaveAttribute('aria-valuetext', '2 of 10');
    expect(bar('Storage used by Payments')).toHaveAttribute(
      'aria-valuetext',
      '500 of 10,240 GiB',
    );
    expect(bar('CPU used by Payments')).toHaveAttribute(
      'aria-valuetext',
      '8.5 of 64 cores',
    );
    expect(bar('Memory used by Payments')).toHaveAttribute(
      'aria-valuetext',
      '32 of 256 GiB',
    );
    const backups = bar('Backups used by Payments');
    expect(backups).toHaveAttribute('aria-valuetext', '4 of 100');
    expect(backups).toHaveAttribute('aria-valuenow', '4');
    expect(backups).toHaveAttribute('aria-valuemax', '100');
    const pipelines = bar('CDC pipelines used by Payments');
    expect(pipelines).toHaveAttribute('aria-valuetext', '3 of 20');
    expect(pipelines).toHaveAttribute('aria-valuenow', '3');
    expect(pipelines).toHaveAttribute('aria-valuemax', '20');

    const row = screen.getByText('Payments').closest('tr')!;
    expect(within(row).getByText('Acme')).toBeInTheDocument();
    expect(within(row).getByText('2 / 10')).toBeVisible();
    expect(within(row).getByText('500 / 10,240 GiB')).toBeVisible();
    expect(within(row).getByText('3 / 20')).toBeVisible();
  });

  it('says when a tenant is over its limit', async () => {
    await renderBars(async () => [
      { ...payments, usage: { ...payments.usage, instances: 12 } },
    ]);

    const instances = await screen.findByRole('progressbar', {
      name: 'Instances used by Payments',
    });
    expect(instances).toHaveAttribute(
      'aria-valuetext',
      '12 of 10, over the limit',
    );
    // Within the range ARIA allows; the text carries the excess.
    expect(instances).toHaveAttribute('aria-valuenow', '10');
    expect(screen.getByText('12 / 10 (over the limit)')).toBeVisible();
  });

  it('shows why an organization\u2019s quotas cannot be read, and the others', async () => {
    const forbidden = await ResponseError.fromResponse(
      new Response(
        JSON.stringify({
          error: {
            name: 'NotAllowedError',
            message: 'user:default/guest may not read group:default/globex',
          },
          request: { method: 'GET', url: '/api/dbaas/v1' },
          response: { statusCode: 403 },
        }),
        { status: 403, headers: { 'Content-Type': 'application/json' } },
      ),
    );
    await renderBars(
      async organizationId => {
        if (organizationId === globex.id) throw forbidden;
        return [payments];
      },
      [acme, globex],
    );

    expect(
      await screen.findByText(
        'Could not read the quotas of Globex: user:default/guest may not read group:default/globex',
      ),
    ).toBeVisible();
    expect(bar('Instances used by Payments')).toBeInTheDocument();
  });

  it('pages and searches the tenants of a large organization', async () => {
    const tenants = Array.from({ length: 12 }, (_, i) => ({
      id: `group:default/team-${i}`,
      title: `Team ${i}`,
    }));
    await renderBars(
      async () => tenants.map(t => ({ ...payments, tenant: t.id })),
      [{ ...acme, tenants }],
    );

    await screen.findByRole('progressbar', {
      name: 'Instances used by Team 0',
    });
    expect(
      screen.queryByRole('progressbar', { name: 'Instances used by Team 7' }),
    ).toBeNull();

    await userEvent.type(screen.getByPlaceholderText('Filter'), 'Team 7');

    expect(
      await screen.findByRole('progressbar', {
        name: 'Instances used by Team 7',
      }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('progressbar', { name: 'Instances used by Team 0' }),
    ).toBeNull();
  });

  it('shows progress while the quotas load', async () => {
    await renderBars(() => new Promise(() => {}));

    expect(
      await screen.findByRole('progressbar', { name: 'Loading the quotas' }),
    ).toBeInTheDocument();
  });

  it('says so when the user is in no organization', async () => {
    const listQuotas = jest.fn();
    await renderBars(listQuotas, []);

    expect(
      await screen.findByText(
        'You are not in any organization yet, so there is no quota to show.',
      ),
    ).toBeInTheDocument();
    expect(listQuotas).not.toHaveBeenCalled();
  });
});
