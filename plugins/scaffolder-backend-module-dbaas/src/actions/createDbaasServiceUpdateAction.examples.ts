import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'js-yaml';

const step = (input: Record<string, unknown>) => ({
  steps: [
    {
      id: 'change',
      action: 'dbaas:service:update',
      name: 'Change the database',
      input,
    },
  ],
});

export const examples: TemplateExample[] = [
  {
    description:
      'Change the backup schedule of a database picked by tenant and name',
    example: yaml.dump(
      step({
        tenant: '${{ parameters.tenant }}',
        name: '${{ parameters.name }}',
        operation: 'config',
        config: { backup: { schedule: '${{ parameters.schedule }}' } },
      }),
    ),
  },
  {
    description: 'Grow the storage of a database',
    example: yaml.dump(
      step({
        serviceId: '3f0c6f0e-8a53-4a4e-9d0b-1f6f1f0c2a11',
        operation: 'config',
        config: { storageSize: '1Ti' },
      }),
    ),
  },
  {
    description: 'Scale the data role of a database to five replicas',
    example: yaml.dump(
      step({
        tenant: 'group:default/payments',
        name: 'orders',
        operation: 'scale',
        scale: { replicas: 5 },
      }),
    ),
  },
  {
    description:
      'Restore a database to a point in time from the latest backup that ended before it',
    example: yaml.dump(
      step({
        tenant: 'group:default/payments',
        name: 'orders',
        operation: 'restore',
        restore: { pointInTime: '2026-11-24T08:30:00Z' },
      }),
    ),
  },
  {
    description: 'Decommission a database once its name is typed again',
    example: yaml.dump(
      step({
        tenant: '${{ parameters.tenant }}',
        name: '${{ parameters.name }}',
        operation: 'decommission',
        confirmName: '${{ parameters.confirmName }}',
      }),
    ),
  },
];
