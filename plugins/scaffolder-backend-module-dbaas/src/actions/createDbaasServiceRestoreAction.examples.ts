import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { exampleStep } from './exampleStep';

export const examples: TemplateExample[] = [
  {
    description:
      'Restore a database to a point in time from the latest backup that ended before it',
    example: exampleStep(
      {
        id: 'restore',
        action: 'dbaas:service:restore',
        name: 'Restore the database',
      },
      {
        tenant: 'group:default/payments',
        name: 'orders',
        restore: { pointInTime: '2026-11-24T08:30:00Z' },
      },
    ),
  },
];
