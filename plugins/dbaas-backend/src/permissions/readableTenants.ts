import { z } from 'zod';

/**
 * Which tenants' databases the given principals (a user and their groups) may
 * read: the tenants of the databases `dbaas.service.read` lets them see. The
 * permission plugin asks the DBaaS plugin, which holds the role grants, over
 * this route; only the permission plugin may call it.
 */
export const READABLE_TENANTS_PATH = '/internal/readable-tenants';

/** The route's body. */
export const readableTenantsQuerySchema = z
  .object({
    principals: z
      .array(z.string().min(1).max(300))
      .min(1)
      .max(500)
      .describe('The user and the groups they belong to (entity refs)'),
  })
  .strict();

/** The route's answer. */
export type ReadableTenantsResponse = { tenants: string[] };

/** Looks the tenants up; see READABLE_TENANTS_PATH. */
export type ReadableTenants = (principals: string[]) => Promise<string[]>;
