import { InputError, NotFoundError } from '@backstage/errors';
import { MAX_SERVICES_PAGE_SIZE } from '@internal/backstage-plugin-dbaas-common';
import type { z as zod } from 'zod/v3';
import { listDatabases } from '../operations/listDatabases';
import type { Caller } from '../router/requestContext';
import type { RouteContext } from '../router/routes/RouteContext';

/** How an action names a database: its id, or its tenant and name. */
export type DatabaseLookup = { id?: string; tenant?: string; name?: string };

/** The input fields of a DatabaseLookup, for an action's input schema. */
export const databaseLookupFields = (z: typeof zod) => ({
  id: z
    .string()
    .uuid()
    .optional()
    .describe('The database id; or give tenant and name instead'),
  tenant: z
    .string()
    .optional()
    .describe(
      'The tenant owning the database, a catalog group reference such as group:default/payments (with name)',
    ),
  name: z
    .string()
    .optional()
    .describe('The database name within its tenant (with tenant)'),
});

/**
 * The id of the database the input names, among those the caller may see.
 * A name is looked up as the DBaaS client's findService does: `q` matches
 * substrings, so the exact name is picked from the page.
 */
export async function databaseIdOf(
  ctx: RouteContext,
  caller: Caller,
  lookup: DatabaseLookup,
): Promise<string> {
  if (lookup.id) {
    return lookup.id;
  }
  if (!lookup.tenant || !lookup.name) {
    throw new InputError(
      'Name the database by id, or by tenant and name together',
    );
  }
  const page = await listDatabases(ctx, caller, {
    tenant: lookup.tenant,
    q: lookup.name,
    limit: MAX_SERVICES_PAGE_SIZE,
  });
  const found = page.data.find(database => database.name === lookup.name);
  if (!found) {
    throw new NotFoundError(
      `There is no database ${lookup.name} in ${lookup.tenant}`,
    );
  }
  return found.id;
}
