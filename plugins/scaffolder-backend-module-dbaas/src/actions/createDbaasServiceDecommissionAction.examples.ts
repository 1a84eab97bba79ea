import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { exampleStep } from './exampleStep';

export const examples: TemplateExample[] = [
  {
    description: 'Decommission a database once its name is typed again',
    example: exampleStep(
      {
        id: 'decommission',
        action: 'dbaas:service:decommission',
        name: 'Decommission the database',
      },
      {
        tenant: '${{ parameters.tenant }}',
        name: '${{ parameters.name }}',
        confirmName: '${{ parameters.confirmName }}',
      },
    ),
  },
];
