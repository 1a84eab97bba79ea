import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { exampleStep } from './exampleStep';

const step = {
  id: 'change',
  action: 'dbaas:service:configure',
  name: 'Change the database',
};

export const examples: TemplateExample[] = [
  {
    description:
      'Change the backup schedule of a database picked by tenant and name',
    example: exampleStep(step, {
      tenant: '${{ parameters.tenant }}',
      name: '${{ parameters.name }}',
      config: { backup: { schedule: '${{ parameters.schedule }}' } },
    }),
  },
  {
    description: 'Grow the storage of a database',
    example: exampleStep(step, {
      serviceId: '3f0c6f0e-8a53-4a4e-9d0b-1f6f1f0c2a11',
      config: { storageSize: '1Ti' },
    }),
  },
];
