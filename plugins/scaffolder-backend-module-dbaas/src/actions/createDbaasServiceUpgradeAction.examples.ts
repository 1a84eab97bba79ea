import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import { exampleStep } from './exampleStep';

export const examples: TemplateExample[] = [
  {
    description:
      'Upgrade the database picked in the form to the next version its engine allows',
    example: exampleStep(
      {
        id: 'upgrade',
        action: 'dbaas:service:upgrade',
        name: 'Upgrade the database',
      },
      {
        database: '${{ parameters.database }}',
        version: '${{ parameters.version }}',
      },
    ),
  },
];
