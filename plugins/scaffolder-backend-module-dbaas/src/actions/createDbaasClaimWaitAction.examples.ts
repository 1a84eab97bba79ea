import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'js-yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Wait a minute for the database ordered by a publish step; a slower one keeps provisioning after the task ends',
    example: yaml.dump({
      steps: [
        {
          id: 'wait',
          action: 'dbaas:claim:wait',
          name: 'Wait for the database',
          input: {
            serviceId: '${{ steps.publish.output.serviceId }}',
            timeoutSeconds: 60,
          },
        },
      ],
      output: {
        text: [
          {
            title: 'Database',
            content:
              'Phase: ${{ steps.wait.output.phase }}. Password in Secret ${{ steps.wait.output.connectionSecret }}.',
          },
        ],
      },
    }),
  },
  {
    description:
      'Report a failed database in the task output instead of failing the task',
    example: yaml.dump({
      steps: [
        {
          id: 'wait',
          action: 'dbaas:claim:wait',
          name: 'Wait for the database',
          input: {
            serviceId: '${{ steps.publish.output.serviceId }}',
            allowFailed: true,
          },
        },
      ],
    }),
  },
];
