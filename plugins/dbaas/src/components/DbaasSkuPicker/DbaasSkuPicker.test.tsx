import {
  renderInTestApp,
  TestApiProvider,
} from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import {
  describeSku,
  type TenantQuotaUsage,
} from '@internal/backstage-plugin-dbaas-common';
import {
  examplePops,
  exampleSkuCatalog,
} from '@internal/backstage-plugin-dbaas-common/testUtils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { dbaasApiRef, type DbaasApi } from '../../api/DbaasApi';
import { DbaasSkuPicker } from './DbaasSkuPicker';
import { dbaasSkuPickerValidation } from './dbaasSkuPickerValidation';
import type { DbaasOffering } from './schema';

const allSkus = exampleSkuCatalog.skus.map(sku =>
  describeSku(exampleSkuCatalog, sku),
);

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
    cpu: 8,
    memoryGi: 32,
    backups: 4,
    cdcPipelines: 1,
  },
};

const api: Pick<
  DbaasApi,
  'listSkus' | 'listRegions' | 'listOrganizations' | 'listQuotas'
> = {
  listSkus: async () => allSkus,
  listRegions: async () => examplePops,
  listOrganizations: async () => [
    {
      id: 'group:default/acme',
      title: 'Acme',
      tenants: [{ id: 'group:default/payments', title: 'Payments' }],
    },
  ],
  listQuotas: async () => [payments],
};

async function apiError(status: number, message: string) {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: { name: 'Error', code: 'FORBIDDEN', message },
        request: { method: 'GET', url: '/api/dbaas/v1' },
        response: { statusCode: status },
      }),
      { status, headers: { 'Content-Type': 'application/json' } },
    ),
  );
}

/** The field in a form that keeps its value, as the scaffolder's does. */
function renderPicker(
  options: { apis?: Partial<DbaasApi>; tenant?: string } = {},
) {
  const changes: DbaasOffering[] = [];
  const Form = () => {
    const [value, setValue] = useState<DbaasOffering | undefined>();
    const props = {
      formData: value,
      onChange: (next: DbaasOffering) => {
        changes.push(next);
        setValue(next);
      },
      uiSchema: {},
      formContext: { formData: { tenant: options.tenant } },
      schema: { title: 'What to order' },
      idSchema: { $id: 'root_offering' },
      rawErrors: [],
      required: true,
      disabled: false,
    };
    return <DbaasSkuPicker {...(props as any)} />;
  };
  return {
    changes,
    rendered: renderInTestApp(
      <TestApiProvider apis={[[dbaasApiRef, { ...api, ...options.apis }]]}>
        <Form />
      </TestApiProvider>,
    ),
  };
}

describe('DbaasSkuPicker', () => {
  it('shows progress while the SKUs load', async () => {
    const { rendered } = renderPicker({
      apis: { listSkus: () => new Promise(() => {}) },
    });
    await rendered;

    expect(await screen.findByRole('progressbar')).toBeInTheDocument();
    expect(screen.queryByLabelText(/Engine/)).not.toBeInTheDocument();
  });

  it('shows what the backend said when the SKUs cannot be loaded', async () => {
    const error = await apiError(503, 'The service catalog is being replaced');
    await renderPicker({
      apis: {
        listSkus: async () => {
          throw error;
        },
      },
    }).rendered;

    expect(
      await screen.findByText(
        /Could not load the SKUs on offer: The service catalog is being replaced/,
      ),
    ).toBeInTheDocument();
  });

  it('narrows engine, plan, region and SKU and shows the chosen SKU\u2019s SLA', async () => {
    const { changes, rendered } = renderPicker();
    await rendered;

    await userEvent.selectOptions(
      await screen.findByLabelText(/Engine/),
      'scylla',
    );
    const plans = within(screen.getByLabelText(/Plan/)).getAllByRole('option');
    expect(plans.map(o => o.textContent)).toEqual([
      '',
      'Dedicated',
      'Clustered',
      'Global',
    ]);

    await userEvent.selectOptions(screen.getByLabelText(/Plan/), 'global');
    await userEvent.selectOptions(screen.getByLabelText(/Region/), 'frankfurt');

    // One global ScyllaDB SKU is stocked in Frankfurt: it is picked.
    expect(changes[changes.length - 1]).toEqual({
      engine: 'scylla',
      plan: 'global',
      region: 'frankfurt',
      sku: 'scy-ring-9',
    });
    expect(screen.getByText(/SLA 99\.95% \(Global\)/)).toBeInTheDocument();
  });

  it("shows the chosen SKU's monthly price and passes it on for the review step", async () => {
    const price = {
      currency: 'USD',
      total: 156,
      breakdown: { base: 100, cpu: 30, memory: 16, storage: 10 },
    };
    const { changes, rendered } = renderPicker({
      apis: {
        listSkus: async () =>
          allSkus.map(sku =>
            sku.engine === 'postgresql' && sku.plan === 'shared'
              ? { ...sku, monthlyPrice: price }
              : sku,
          ),
      },
    });
    await rendered;
    await userEvent.selectOptions(
      await screen.findByLabelText(/Engine/),
      'postgresql',
    );
    await userEvent.selectOptions(screen.getByLabelText(/Plan/), 'shared');
    await userEvent.selectOptions(screen.getByLabelText(/Region/), 'lagos');

    expect(screen.getByText('$156.00 a month')).toHaveAttribute(
      'title',
      'Plan $100.00 + CPU $30.00 + memory $16.00 + storage $10.00 a month',
    );
    expect(changes[changes.length - 1]).toEqual({
      engine: 'postgresql',
      plan: 'shared',
      region: 'lagos',
      sku: 'pg-shared',
      monthlyPrice: "$156.00 a month at the SKU's default size",
    });

    // A SKU the platform has no price for shows none.
    await userEvent.selectOptions(screen.getByLabelText(/Plan/), 'dedicated');
    await userEvent.selectOptions(screen.getByLabelText(/Region/), 'lagos');
    expect(changes[changes.length - 1]).not.toHaveProperty('monthlyPrice');
    expect(screen.queryByText(/a month/)).not.toBeInTheDocument();
  });

  it('drops the choices the new engine does not offer', async () => {
    const { changes, rendered } = renderPicker();
    await rendered;
    await userEvent.selectOptions(
      await screen.findByLabelText(/Engine/),
      'postgresql',
    );
    await userEvent.selectOptions(screen.getByLabelText(/Plan/), 'shared');
    await userEvent.selectOptions(screen.getByLabelText(/Region/), 'lagos');

    await userEvent.selectOptions(screen.getByLabelText(/Engine/), 'scylla');

    expect(changes[changes.length - 1]).toEqual({ engine: 'scylla' });
    expect(screen.queryByText(/SLA/)).not.toBeInTheDocument();
  });

  it('shows the remaining quota of the tenant chosen in the form', async () => {
    await renderPicker({ tenant: 'group:default/payments' }).rendered;

    expect(
      await screen.findByText(
        'Quota left for group:default/payments: 8 of 10 databases, 9740 of 10240 GiB storage, 56 of 64 CPU, 224 of 256 GiB memory',
      ),
    ).toBeInTheDocument();
  });

  it('asks for a tenant before showing a quota', async () => {
    await renderPicker().rendered;

    expect(
      await screen.findByText(
        'Choose a tenant to see how much of its quota is left.',
      ),
    ).toBeInTheDocument();
  });

  it('shows why the quota cannot be read', async () => {
    const error = await apiError(
      403,
      'user:default/guest may not read group:default/acme',
    );
    await renderPicker({
      tenant: 'group:default/payments',
      apis: {
        listQuotas: async () => {
          throw error;
        },
      },
    }).rendered;

    expect(
      await screen.findByText(
        'Could not read the quota of group:default/payments: user:default/guest may not read group:default/acme',
      ),
    ).toBeInTheDocument();
  });
});

describe('dbaasSkuPickerValidation', () => {
  const validate = (value: DbaasOffering | undefined) => {
    const errors: string[] = [];
    dbaasSkuPickerValidation(
      value as any,
      { addError: (m: string) => errors.push(m) } as any,
      {} as any,
    );
    return errors;
  };

  it('asks for whatever is not chosen yet', () => {
    expect(validate(undefined)).toEqual([
      'Choose an engine, a plan, a region, a SKU',
    ]);
    expect(validate({ engine: 'scylla', plan: 'global' })).toEqual([
      'Choose a region, a SKU',
    ]);
  });

  it('accepts a complete offering', () => {
    expect(
      validate({
        engine: 'scylla',
        plan: 'global',
        region: 'lagos',
        sku: 'scy-ring-9',
      }),
    ).toEqual([]);
  });
});
