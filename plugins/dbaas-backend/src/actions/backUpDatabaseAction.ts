import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { backUpDatabase } from '../operations/backUpDatabase';
import { databaseIdOf, databaseLookupFields } from './databaseLookup';
import { runAsUser, type DbaasActionDeps } from './runAsUser';

/** `dbaas:back-up-database`: `POST /v1/services/{id}/backups` for the user. */
export function registerBackUpDatabaseAction(
  registry: ActionsRegistryService,
  deps: DbaasActionDeps,
) {
  registry.register({
    name: 'back-up-database',
    title: 'Back up a database now',
    description:
      "Takes a backup of a database now, by id or by tenant and name. Needs the user to be a service admin of the database's tenant (or an org admin or owner); counts against the tenant's backup quota; refused with the reason where the engine cannot take a backup on request. Audited as the user. Returns the backup, pending: follow it with get-database.",
    attributes: { readOnly: false, destructive: false, idempotent: false },
    schema: {
      input: z =>
        z.object({
          ...databaseLookupFields(z),
          description: z
            .string()
            .max(500)
            .optional()
            .describe(
              'Why the backup is taken, e.g. "before the schema migration"',
            ),
        }),
      output: z =>
        z.object({
          backup: z
            .object({
              id: z.string(),
              serviceId: z.string(),
              type: z.string(),
              status: z.string(),
            })
            .passthrough(),
        }),
    },
    action: async ({ input, credentials }) =>
      runAsUser(deps, credentials, async caller => {
        const { description, ...lookup } = input;
        const id = await databaseIdOf(deps.context, caller, lookup);
        const backup = await backUpDatabase(
          deps.context,
          { caller },
          id,
          description === undefined ? {} : { description },
        );
        return { output: { backup } };
      }),
  });
}
