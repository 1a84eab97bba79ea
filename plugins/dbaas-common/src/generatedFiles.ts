import yaml from 'js-yaml';
import { serviceClaimCrd } from './claim/serviceClaimCrd';
import { metricQueries } from './metrics/metricQueries';

/** A file the repository commits that is generated from this package's code. */
export type GeneratedFile = {
  /** Where it is, from the repository's root. */
  path: string;
  content: string;
};

/**
 * Every file `yarn generate` writes. `generatedFiles.test.ts` fails while a
 * committed one differs, so a change to the code that generates it is committed
 * with its output.
 */
export function generatedFiles(): GeneratedFile[] {
  return [
    {
      path: 'charts/serviceclaim-operator/files/crds/serviceclaims.dbaas.io.yaml',
      content: `# Generated from plugins/dbaas-common (serviceClaimCrd); edit the schema, then run
# \`yarn generate\`.
${yaml.dump(serviceClaimCrd(), { lineWidth: 100, noRefs: true })}`,
    },
    {
      // The operator chart's cpu and disk alerts compare these with their
      // thresholds: the Metrics tab's figures, for every database at once.
      path: 'charts/serviceclaim-operator/files/alerts/databaseUsage.yaml',
      content: `# Generated from plugins/dbaas-common (metricQueries); edit the queries, then
# run \`yarn generate\`.
${yaml.dump(
  {
    cpu: metricQueries.cpu({ allNamespaces: true, rateWindow: '5m' }),
    disk: metricQueries.disk({ allNamespaces: true, rateWindow: '5m' }),
  },
  { lineWidth: -1 },
)}`,
    },
  ];
}
