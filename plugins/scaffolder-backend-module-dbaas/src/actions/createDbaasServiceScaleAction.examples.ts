import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { exampleStep } from './exampleStep';

export const examples: TemplateExample[] = [
  {
    description: 'Scale the data role of a database to five replicas',
    example: exampleStep(
      {
        id: 'scale',
        action: 'dbaas:service:scale',
        name: 'Scale the database',
      },
      {
        tenant: 'group:default/payments',
        name: 'orders',
        scale: { replicas: 5 },
      },
    ),
  },
];
