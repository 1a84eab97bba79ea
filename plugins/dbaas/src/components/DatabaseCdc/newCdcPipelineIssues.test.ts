import { cdcTableForms } from '@internal/backstage-plugin-dbaas-common';
import { newCdcPipelineIssues, tablesOf } from './newCdcPipelineIssues';

describe('newCdcPipelineIssues', () => {
  it('checks tables against the engine’s own form', () => {
    const yugabyte = (tables: string[]) =>
      newCdcPipelineIssues({
        name: 'orders',
        tables,
        tableForm: cdcTableForms.yugabyte,
        existing: [],
      });

    expect(yugabyte(['orders', 'order_lines'])).toEqual({ tables: [] });
    expect(yugabyte(['public.orders']).tables).toEqual([
      'public.orders is not a table: name each table as its topic does, such as orders',
    ]);
  });

  it('asks for a name and a table before anything else', () => {
    expect(
      newCdcPipelineIssues({
        name: '',
        tables: [],
        tableForm: cdcTableForms.postgresql,
        existing: [],
      }),
    ).toEqual({
      name: 'Give the pipeline a name',
      tables: ['Name at least one table, such as public.orders'],
    });
  });

  it('refuses more tables than a pipeline may capture', () => {
    const tables = Array.from({ length: 101 }, (_, i) => `public.t${i}`);
    expect(
      newCdcPipelineIssues({
        name: 'all',
        tables,
        tableForm: cdcTableForms.postgresql,
        existing: [],
      }).tables,
    ).toEqual(['A pipeline captures at most 100 tables; this one lists 101']);
  });
});

describe('tablesOf', () => {
  it('takes one table a line, without blanks', () => {
    expect(tablesOf(' public.a \r\n\npublic.b\n  \n')).toEqual([
      'public.a',
      'public.b',
    ]);
  });
});
