import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'js-yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Check a database request from the form, then order it with dbaas:claim:publish',
    example: yaml.dump({
      steps: [
        {
          id: 'claim',
          action: 'dbaas:claim:validate',
          name: 'Check the request',
          input: {
            name: '${{ parameters.name }}',
            tenant: '${{ parameters.tenant }}',
            engine: '${{ parameters.offering.engine }}',
            plan: '${{ parameters.offering.plan }}',
            region: '${{ parameters.offering.region }}',
            sku: '${{ parameters.offering.sku }}',
            config: {
              storageSize: '${{ parameters.storageSize }}',
              backup: { schedule: '${{ parameters.backupSchedule }}' },
            },
          },
        },
        {
          id: 'publish',
          action: 'dbaas:claim:publish',
          name: 'Order the database',
          input: { request: '${{ steps.claim.output.request }}' },
        },
      ],
    }),
  },
  {
    description:
      'Preview the ServiceClaim and the quota left without ordering anything',
    example: yaml.dump({
      steps: [
        {
          id: 'preview',
          action: 'dbaas:claim:validate',
          name: 'Preview the claim',
          input: {
            name: 'orders',
            tenant: 'group:default/payments',
            engine: 'yugabyte',
            plan: 'dedicated',
            region: 'lagos',
            config: { storageSize: '500Gi' },
            dryRun: true,
          },
        },
      ],
      output: {
        text: [
          {
            title: 'ServiceClaim',
            content: '```yaml\n${{ steps.preview.output.manifest }}\n```',
          },
        ],
      },
    }),
  },
  {
    description:
      'Write the claim into the workspace at its GitOps path, for a later publish step of your own',
    example: yaml.dump({
      steps: [
        {
          id: 'claim',
          action: 'dbaas:claim:validate',
          name: 'Render the claim',
          input: {
            name: 'sessions',
            tenant: 'group:default/checkout',
            engine: 'dragonfly',
            plan: 'shared',
            region: 'frankfurt',
            targetPath: 'gitops',
          },
        },
      ],
    }),
  },
];
