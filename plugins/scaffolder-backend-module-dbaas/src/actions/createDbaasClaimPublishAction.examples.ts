import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'js-yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Order the database a dbaas:claim:validate step checked, and link to its catalog page',
    example: yaml.dump({
      steps: [
        {
          id: 'publish',
          action: 'dbaas:claim:publish',
          name: 'Order the database',
          input: { request: '${{ steps.claim.output.request }}' },
        },
      ],
      output: {
        links: [
          {
            title: 'Open the database',
            entityRef: '${{ steps.publish.output.entityRef }}',
          },
          {
            title: 'GitOps commit',
            url: '${{ steps.publish.output.commitUrl }}',
          },
          // Only in pull request mode; the link is left out when it is empty.
          {
            title: 'Pull request to review',
            url: '${{ steps.publish.output.pullRequestUrl }}',
          },
        ],
      },
    }),
  },
  {
    description: 'Order a database from a request written in the template',
    example: yaml.dump({
      steps: [
        {
          id: 'publish',
          action: 'dbaas:claim:publish',
          name: 'Order the database',
          input: {
            request: {
              name: 'orders',
              tenant: 'group:default/payments',
              engine: 'postgresql',
              plan: 'dedicated',
              region: 'johannesburg',
              config: { backup: { schedule: '0 2 * * *' } },
            },
          },
        },
      ],
    }),
  },
];
