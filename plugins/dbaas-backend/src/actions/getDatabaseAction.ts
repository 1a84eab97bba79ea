import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { getDatabase } from '../operations/getDatabase';
import { databaseIdOf, databaseLookupFields } from './databaseLookup';
import { runAsUser, type DbaasActionDeps } from './runAsUser';
import { databaseSummarySchema } from './summarySchemas';

/** `dbaas:get-database`: `GET /v1/services/{id}` for the user. */
export function registerGetDatabaseAction(
  registry: ActionsRegistryService,
  deps: DbaasActionDeps,
) {
  registry.register({
    name: 'get-database',
    title: 'Get a database',
    description:
      'One database the signed-in user may see, by id or by tenant and name: its configuration (the ServiceClaim spec), status, connection details (host, port, database, user and the name of the Secret holding the password; never the password itself), endpoints, conditions and provisioning timeline.',
    attributes: { readOnly: true, idempotent: true },
    schema: {
      input: z => z.object(databaseLookupFields(z)),
      output: z =>
        z.object({
          database: databaseSummarySchema(z).describe(
            'The database as GET /api/dbaas/v1/services/{id} answers it',
          ),
        }),
    },
    action: async ({ input, credentials }) =>
      runAsUser(deps, credentials, async caller => {
        const id = await databaseIdOf(deps.context, caller, input);
        return {
          output: { database: await getDatabase(deps.context, caller, id) },
        };
      }),
  });
}
