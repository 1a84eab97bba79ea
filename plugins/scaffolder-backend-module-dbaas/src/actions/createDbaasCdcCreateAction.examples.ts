import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { exampleStep } from './exampleStep';

const step = {
  id: 'cdc',
  action: 'dbaas:cdc:create',
  name: 'Stream the tables\u2019 changes',
};

export const examples: TemplateExample[] = [
  {
    description:
      'Stream the changes of two tables of a PostgreSQL database, their existing rows first',
    example: exampleStep(step, {
      database: 'resource:default/payments.orders',
      name: 'orders-feed',
      tables: ['public.orders', 'public.order_lines'],
    }),
  },
  {
    description:
      'Stream only the changes from now of a database picked in the form',
    example: exampleStep(step, {
      database: '${{ parameters.database }}',
      name: '${{ parameters.name }}',
      tables: '${{ parameters.tables }}',
      snapshot: 'never',
    }),
  },
];
