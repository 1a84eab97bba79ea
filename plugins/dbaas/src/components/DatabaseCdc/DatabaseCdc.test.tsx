import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  cdcTableForms,
  engineCdc,
  type CdcPipelineList,
  type CdcPipelineView,
} from '@internal/backstage-plugin-dbaas-common';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { DbaasApi } from '../../api/DbaasApi';
import {
  apiError,
  renderDatabasePage,
  signalBus,
  SERVICE_ID,
} from '../DatabaseEntity/__testUtils__/databaseFixtures';
import { DatabaseCdc } from './DatabaseCdc';
import { lagWords } from './CdcPipelineTable';
import { CDC_POLL_MS } from './useCdcPipelines';

const prefix = 'dbaas.cdc.postgresql.checkout.';

function pipeline(overrides: Partial<CdcPipelineView> = {}): CdcPipelineView {
  const name = overrides.name ?? 'orders';
  const tables = overrides.tables ?? ['public.orders', 'public.order_lines'];
  return {
    name,
    tables,
    snapshot: 'initial',
    paused: false,
    state: 'running',
    topics: tables.map(table => `${prefix}${table}`),
    deadLetterTopic: `${prefix}dlq-orders-${name}`,
    connector: `orders-${name}`,
    ...overrides,
  };
}

function listOf(
  data: CdcPipelineView[],
  engine: 'postgresql' | 'vitess' = 'postgresql',
): CdcPipelineList {
  return {
    data,
    capability: engineCdc[engine],
    tableForm: cdcTableForms[engine],
  };
}

function renderCdc(api: Partial<DbaasApi>, apis: readonly any[] = []) {
  return renderDatabasePage(<DatabaseCdc />, { api, apis });
}

const table = () => screen.findByRole('table', { name: 'CDC pipelines' });
const rows = () =>
  within(screen.getByRole('table', { name: 'CDC pipelines' }))
    .getAllByRole('row')
    .slice(1);
/** A pipeline's row, by the name that heads it. */
const row = (name: string) => {
  const found = rows().find(
    r => r.querySelector('th')?.firstChild?.textContent === name,
  );
  if (!found) throw new Error(`No row of pipeline ${name}`);
  return found;
};
/** The list answers once; a reload after that never does. */
const listedOnce = (list: CdcPipelineList) =>
  jest
    .fn()
    .mockResolvedValueOnce(list)
    .mockReturnValue(new Promise(() => {}));

/** Types into a field at once: as a paste, as people enter a list of tables. */
async function enter(field: HTMLElement, text: string) {
  await userEvent.click(field);
  await userEvent.paste(text);
}

async function openDialog() {
  await userEvent.click(
    await screen.findByRole('button', { name: 'New pipeline' }),
  );
  return screen.getByRole('dialog', { name: 'New CDC pipeline' });
}

describe('DatabaseCdc', () => {
  it('lists the pipelines with their state, tables, topics and dead letter topic', async () => {
    renderCdc({
      listCdcPipelines: async () =>
        listOf([
          pipeline(),
          pipeline({
            name: 'audit',
            tables: ['billing.invoices'],
            snapshot: 'never',
            state: 'failed',
            message:
              'ERROR: replication slot "dbaas_orders_audit" is active for PID 4242',
          }),
          pipeline({
            name: 'ledger',
            tables: ['public.ledger'],
            paused: true,
            state: 'paused',
          }),
          pipeline({
            name: 'fresh',
            tables: ['public.fresh'],
            state: 'pending',
          }),
        ]),
    });

    await table();
    const running = row('orders');
    expect(running).toHaveTextContent('running');
    expect(running).toHaveTextContent('Existing rows first, then changes');
    const captured = within(running).getByRole('list', {
      name: 'Tables of orders',
    });
    const items = within(captured).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent(
      'public.orders' + 'dbaas.cdc.postgresql.checkout.public.orders',
    );
    expect(items[1]).toHaveTextContent(
      'public.order_lines' + 'dbaas.cdc.postgresql.checkout.public.order_lines',
    );
    expect(running).toHaveTextContent(
      'dbaas.cdc.postgresql.checkout.dlq-orders-orders',
    );

    const failed = row('audit');
    expect(failed).toHaveTextContent('failed');
    // The connector's reason is on the page, not in a tooltip.
    expect(
      within(failed).getByText(
        'ERROR: replication slot "dbaas_orders_audit" is active for PID 4242',
      ),
    ).toBeVisible();
    expect(failed).toHaveTextContent('Only changes from when it started');

    expect(row('ledger')).toHaveTextContent('paused');
    expect(row('fresh')).toHaveTextContent('pending');
  });

  it('shows the lag, each topic’s messages and rate, the dead letters and each consumer group’s lag', async () => {
    renderCdc({
      listCdcPipelines: async () =>
        listOf([
          pipeline({
            measured: {
              at: '2026-12-03T10:00:30Z',
              lagMs: 180,
              lastChangeAt: '2026-12-03T10:00:29Z',
              topics: [
                {
                  topic: `${prefix}public.orders`,
                  messages: 12_500,
                  perSecond: 41.5,
                },
                { topic: `${prefix}public.order_lines`, messages: 3 },
              ],
              deadLetters: 0,
              consumerGroups: [
                { group: 'tenant-checkout.billing', lag: 1_204 },
                { group: 'tenant-checkout.search', lag: 0 },
              ],
            },
          }),
          pipeline({
            name: 'quiet',
            tables: ['public.quiet'],
            measured: {
              at: '2026-12-03T10:00:30Z',
              topics: [{ topic: `${prefix}public.quiet`, messages: 0 }],
              deadLetters: 0,
              consumerGroups: [],
            },
          }),
          pipeline({
            name: 'fresh',
            tables: ['public.fresh'],
            state: 'pending',
          }),
        ]),
    });

    await table();
    const orders = row('orders');
    expect(orders).toHaveTextContent('Lag 180 ms');
    const topics = within(
      within(orders).getByRole('list', { name: 'Tables of orders' }),
    ).getAllByRole('listitem');
    expect(topics[0]).toHaveTextContent('12,500 messages, 41.5/s');
    // No rate until a second read.
    expect(topics[1]).toHaveTextContent(/3 messages$/);
    const groups = within(
      within(orders).getByRole('list', { name: 'Consumer groups of orders' }),
    ).getAllByRole('listitem');
    expect(groups.map(g => g.textContent)).toEqual([
      'tenant-checkout.billing 1,204 behind',
      'tenant-checkout.search 0 behind',
    ]);
    expect(orders).toHaveTextContent('0 dead letters');
    expect(row('quiet')).toHaveTextContent('No change read yet');
    // Not read by its PoP yet: nothing claimed.
    expect(row('fresh')).not.toHaveTextContent(/Lag|dead letters/);
    // Where the PoP names no listener for tenants, the tab names none.
    expect(screen.queryByLabelText('Reading the topics')).toBeNull();
  });

  it('tells where and as whom applications read the topics, never a password', async () => {
    renderCdc({
      listCdcPipelines: async () =>
        listOf([
          pipeline({ name: 'fresh', state: 'pending' }),
          pipeline({
            access: {
              bootstrap: 'kafka.lagos.example:9094',
              mechanism: 'SCRAM-SHA-512',
              principal: 'User:tenant-checkout',
              groupPrefix: 'tenant-checkout.',
            },
          }),
        ]),
    });
    await table();
    expect(screen.getByLabelText('Reading the topics')).toHaveTextContent(
      'Applications read these topics from kafka.lagos.example:9094 as User:tenant-checkout (SCRAM-SHA-512), in consumer groups named tenant-checkout.…; no other principal may read them.',
    );
  });

  it('writes a lag in the unit a person reads it in', () => {
    expect([90, 1_500, 95_000].map(lagWords)).toEqual([
      '90 ms',
      '1.5 s',
      '2 min',
    ]);
  });

  it('offers a new pipeline where the engine streams its changes', async () => {
    renderCdc({ listCdcPipelines: async () => listOf([]) });

    expect(
      await screen.findByText('This database has no CDC pipelines yet.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New pipeline' })).toBeEnabled();
    expect(
      screen.getByText(/Debezium's PostgreSQL connector \(pgoutput\)/),
    ).toBeInTheDocument();
  });

  it('says why an engine offers no CDC, with no button to create one', async () => {
    renderCdc({ listCdcPipelines: async () => listOf([], 'vitess') });

    const reason = (engineCdc.vitess as { reason: string }).reason;
    expect(await screen.findByText(reason)).toBeVisible();
    const button = screen.getByRole('button', { name: 'New pipeline' });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(reason);
  });

  it('says when the database has as many pipelines as it may', async () => {
    const ten = Array.from({ length: 10 }, (_, i) =>
      pipeline({ name: `p${i}`, tables: [`public.t${i}`] }),
    );
    renderCdc({ listCdcPipelines: async () => listOf(ten) });

    expect(
      await screen.findByText(/A database has at most 10 pipelines/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New pipeline' })).toBeDisabled();
  });

  it('shows what the API said when the pipelines cannot be read', async () => {
    const error = await apiError(
      403,
      'FORBIDDEN',
      'You may not read database orders of group:default/checkout',
    );
    renderCdc({
      listCdcPipelines: async () => {
        throw error;
      },
    });

    expect(
      await screen.findByText(
        'You may not read database orders of group:default/checkout',
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New pipeline' })).toBeDisabled();
  });

  it('checks the name and the tables against the claim’s rules before sending', async () => {
    const createCdcPipeline = jest.fn();
    renderCdc({
      listCdcPipelines: async () => listOf([pipeline()]),
      createCdcPipeline,
    });
    const dialog = await openDialog();
    const name = within(dialog).getByRole('textbox', { name: 'Name' });
    const tables = within(dialog).getByRole('textbox', { name: 'Tables' });
    expect(dialog).toHaveTextContent(
      'One a line, each a schema.table, such as public.orders',
    );

    await userEvent.type(name, 'Orders_CDC');
    await enter(
      tables,
      'orders\npublic.orders\npublic.order-lines\npublic.items\npublic.items',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Create pipeline' }),
    );

    expect(name).toBeInvalid();
    expect(name).toHaveAccessibleDescription(
      'The name must be a lowercase DNS label of at most 40 characters',
    );
    expect(tables).toBeInvalid();
    const described = tables.getAttribute('aria-describedby')!;
    const help = document.getElementById(described)!;
    expect(help).toHaveTextContent(
      'orders is not a schema.table: name each table as its topic does, such as public.orders',
    );
    expect(help).toHaveTextContent(
      'public.orders is already captured by pipeline orders',
    );
    expect(help).toHaveTextContent(
      'public.order-lines must be dot-separated names of letters, digits and underscores',
    );
    expect(help).toHaveTextContent('public.items is listed twice');

    await userEvent.clear(name);
    await userEvent.type(name, 'orders');
    expect(name).toHaveAccessibleDescription(
      'There is already a pipeline named orders',
    );
    await userEvent.clear(name);
    await enter(name, 'x'.repeat(41));
    expect(name).toHaveAccessibleDescription(
      'The name must be at most 40 characters',
    );
    expect(createCdcPipeline).not.toHaveBeenCalled();
  });

  it('creates a pipeline with the request the API expects and lists it as pending', async () => {
    const created = pipeline({
      name: 'shipments',
      tables: ['public.shipments', 'public.parcels'],
      snapshot: 'never',
      state: 'pending',
      connector: undefined,
    });
    const createCdcPipeline = jest.fn(async () => created);
    renderCdc({
      listCdcPipelines: async () => listOf([pipeline()]),
      createCdcPipeline,
    });
    const dialog = await openDialog();

    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Name' }),
      'shipments',
    );
    await enter(
      within(dialog).getByRole('textbox', { name: 'Tables' }),
      ' public.shipments \n\npublic.parcels',
    );
    await userEvent.click(
      within(dialog).getByRole('radio', { name: /Only changes from now/ }),
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Create pipeline' }),
    );

    expect(createCdcPipeline).toHaveBeenCalledWith(SERVICE_ID, {
      name: 'shipments',
      tables: ['public.shipments', 'public.parcels'],
      snapshot: 'never',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(row('shipments')).toHaveTextContent('pending');
    expect(row('orders')).toHaveTextContent('running');
  });

  it('starts with the existing rows unless told otherwise', async () => {
    const createCdcPipeline = jest.fn(async () =>
      pipeline({ name: 'items', tables: ['public.items'], state: 'pending' }),
    );
    renderCdc({ listCdcPipelines: async () => listOf([]), createCdcPipeline });
    const dialog = await openDialog();
    expect(
      within(dialog).getByRole('radio', {
        name: /Existing rows first, then changes/,
      }),
    ).toBeChecked();

    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Name' }),
      'items',
    );
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Tables' }),
      'public.items',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Create pipeline' }),
    );

    expect(createCdcPipeline).toHaveBeenCalledWith(SERVICE_ID, {
      name: 'items',
      tables: ['public.items'],
      snapshot: 'initial',
    });
  });

  it.each([
    [400, 'INVALID_REQUEST', 'Invalid CDC pipeline: tables.0: Too long'],
    [
      409,
      'CONFLICT',
      'public.orders is already captured by database billing of tenant checkout; its topic has one writer',
    ],
    [
      429,
      'QUOTA_EXCEEDED',
      'Tenant group:default/checkout has used all of its 20 CDC pipelines',
    ],
  ])(
    'shows the API’s refusal of a pipeline (%s) in the dialog',
    async (status, code, message) => {
      const error = await apiError(status, code, message);
      renderCdc({
        listCdcPipelines: async () => listOf([]),
        createCdcPipeline: async () => {
          throw error;
        },
      });
      const dialog = await openDialog();
      await userEvent.type(
        within(dialog).getByRole('textbox', { name: 'Name' }),
        'orders',
      );
      await userEvent.type(
        within(dialog).getByRole('textbox', { name: 'Tables' }),
        'public.orders',
      );
      await userEvent.click(
        within(dialog).getByRole('button', { name: 'Create pipeline' }),
      );

      expect(await within(dialog).findByRole('alert')).toHaveTextContent(
        message,
      );
      expect(dialog).toBeInTheDocument();
    },
  );

  it('offers pause to a running or pending pipeline and resume to a paused one', async () => {
    renderCdc({
      listCdcPipelines: async () =>
        listOf([
          pipeline({ name: 'running' }),
          pipeline({ name: 'pending', state: 'pending' }),
          pipeline({ name: 'paused', paused: true, state: 'paused' }),
          pipeline({ name: 'failed', state: 'failed', message: 'boom' }),
        ]),
    });
    await table();
    const actions = (name: string) =>
      within(row(name))
        .getAllByRole('button')
        .map(b => b.textContent);

    expect(actions('running')).toEqual(['Pause', 'Restart', 'Delete']);
    expect(actions('pending')).toEqual(['Pause', 'Restart', 'Delete']);
    expect(actions('paused')).toEqual(['Resume', 'Restart', 'Delete']);
    expect(actions('failed')).toEqual(['Restart', 'Delete']);
  });

  it.each([
    ['Pause', 'pauseCdcPipeline', { paused: true }, 'Pause requested'],
    ['Restart', 'restartCdcPipeline', { state: 'pending' as const }, 'pending'],
  ] as const)(
    '%s calls %s and shows the API’s answer',
    async (button, method, answer, shown) => {
      const call = jest.fn(async () => pipeline(answer));
      const listCdcPipelines = listedOnce(listOf([pipeline()]));
      renderCdc({ listCdcPipelines, [method]: call });
      await table();

      await userEvent.click(
        screen.getByRole('button', { name: `${button} pipeline orders` }),
      );

      expect(call).toHaveBeenCalledWith(SERVICE_ID, 'orders');
      // The API's answer shows at once, while the list is asked for again.
      await waitFor(() => expect(row('orders')).toHaveTextContent(shown));
      expect(listCdcPipelines).toHaveBeenCalledTimes(2);
    },
  );

  it('resumes a paused pipeline', async () => {
    const resumeCdcPipeline = jest.fn(async () =>
      pipeline({ paused: false, state: 'paused' }),
    );
    renderCdc({
      listCdcPipelines: listedOnce(
        listOf([pipeline({ paused: true, state: 'paused' })]),
      ),
      resumeCdcPipeline,
    });
    await table();

    await userEvent.click(
      screen.getByRole('button', { name: 'Resume pipeline orders' }),
    );

    expect(resumeCdcPipeline).toHaveBeenCalledWith(SERVICE_ID, 'orders');
    await waitFor(() =>
      expect(row('orders')).toHaveTextContent('Resume requested'),
    );
  });

  it('shows the API’s refusal of an action in the row', async () => {
    const error = await apiError(
      403,
      'FORBIDDEN',
      'user:default/guest may not change databases of group:default/checkout',
    );
    renderCdc({
      listCdcPipelines: async () => listOf([pipeline()]),
      restartCdcPipeline: async () => {
        throw error;
      },
    });
    await table();

    await userEvent.click(
      screen.getByRole('button', { name: 'Restart pipeline orders' }),
    );

    expect(await within(row('orders')).findByRole('alert')).toHaveTextContent(
      'user:default/guest may not change databases of group:default/checkout',
    );
  });

  it('deletes a pipeline once confirmed, saying its topics are kept for 7 days', async () => {
    const deleteCdcPipeline = jest.fn(async () => {});
    const listCdcPipelines = jest
      .fn()
      .mockResolvedValueOnce(
        listOf([pipeline(), pipeline({ name: 'audit', tables: ['a.b'] })]),
      )
      .mockResolvedValue(
        listOf([pipeline({ name: 'audit', tables: ['a.b'] })]),
      );
    renderCdc({ listCdcPipelines, deleteCdcPipeline });
    await table();

    await userEvent.click(
      screen.getByRole('button', { name: 'Delete pipeline orders' }),
    );
    const confirmation = screen.getByRole('dialog', {
      name: 'Delete pipeline orders?',
    });
    expect(confirmation).toHaveAccessibleDescription(
      /Its topics and its dead letter topic are kept for 7 days/,
    );
    expect(deleteCdcPipeline).not.toHaveBeenCalled();

    await userEvent.click(
      within(confirmation).getByRole('button', { name: 'Delete pipeline' }),
    );

    expect(deleteCdcPipeline).toHaveBeenCalledWith(SERVICE_ID, 'orders');
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(rows()[0]).toHaveTextContent('audit');
  });

  it('keeps the confirmation open with the API’s refusal of a deletion', async () => {
    const error = await apiError(
      409,
      'CONFLICT',
      'Database orders is being deleted; its pipelines go with it',
    );
    renderCdc({
      listCdcPipelines: async () => listOf([pipeline()]),
      deleteCdcPipeline: async () => {
        throw error;
      },
    });
    await table();

    await userEvent.click(
      screen.getByRole('button', { name: 'Delete pipeline orders' }),
    );
    const confirmation = screen.getByRole('dialog', {
      name: 'Delete pipeline orders?',
    });
    await userEvent.click(
      within(confirmation).getByRole('button', { name: 'Delete pipeline' }),
    );

    expect(await within(confirmation).findByRole('alert')).toHaveTextContent(
      'Database orders is being deleted; its pipelines go with it',
    );
    await userEvent.click(
      within(confirmation).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(row('orders')).toBeInTheDocument();
  });

  it('reloads the pipelines when the backend announces a change of the database', async () => {
    const bus = signalBus();
    const listCdcPipelines = jest
      .fn()
      .mockResolvedValueOnce(listOf([pipeline()]))
      .mockResolvedValue(
        listOf([pipeline({ state: 'failed', message: 'Connector crashed' })]),
      );
    renderCdc({ listCdcPipelines }, [[signalApiRef, bus.api]]);
    await table();
    expect(row('orders')).toHaveTextContent('running');

    await bus.announce({
      id: SERVICE_ID,
      tenant: 'group:default/checkout',
      action: 'status',
      status: 'active',
    });

    await waitFor(() =>
      expect(row('orders')).toHaveTextContent('Connector crashed'),
    );
  });

  describe('while a pipeline is on its way', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('lists the pipelines again every few seconds until none is', async () => {
      const listCdcPipelines = jest
        .fn()
        .mockResolvedValueOnce(listOf([pipeline({ state: 'pending' })]))
        .mockResolvedValue(listOf([pipeline()]));
      renderCdc({ listCdcPipelines });
      await table();
      expect(row('orders')).toHaveTextContent('pending');
      expect(listCdcPipelines).toHaveBeenCalledTimes(1);

      await act(() => jest.advanceTimersByTimeAsync(CDC_POLL_MS));

      expect(listCdcPipelines).toHaveBeenCalledTimes(2);
      expect(row('orders')).toHaveTextContent('running');

      await act(() => jest.advanceTimersByTimeAsync(5 * CDC_POLL_MS));
      expect(listCdcPipelines).toHaveBeenCalledTimes(2);
    });
  });
});
