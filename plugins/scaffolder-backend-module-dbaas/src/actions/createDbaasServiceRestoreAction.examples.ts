import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { exampleStep } from './exampleStep';

export const examples: TemplateExample[] = [
  {
    description:
      'Restore a database to a point in time into a new database, from the latest backup that ended before it',
    example: exampleStep(
      {
        id: 'restore',
        action: 'dbaas:service:restore',
        name: 'Restore the backup into a new database',
      },
      {
        tenant: 'group:default/payments',
        name: 'orders',
        restore: { pointInTime: '2026-11-24T08:30:00Z' },
        targetName: 'orders-before-v2',
      },
    ),
  },
  {
    description:
      'Restore a given backup to its end into a new database named by the API',
    example: exampleStep(
      {
        id: 'restore',
        action: 'dbaas:service:restore',
        name: 'Restore the backup into a new database',
      },
      {
        serviceId: '6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f',
        restore: { backupId: '7d7e0c4e-1b1a-4c0a-9a55-0c1d9c6b2a02' },
      },
    ),
  },
];
