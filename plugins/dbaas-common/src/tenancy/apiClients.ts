import { z } from 'zod';

/**
 * `POST /api-clients`: a user registers a script's client (a CI job's
 * Keycloak service account, say) to act for them. The token is a fresh access
 * token of that client: it proves the user holds the client's credentials, and
 * names the client by its subject. It is verified and then forgotten.
 * @public
 */
export const registerApiClientRequestSchema = z
  .object({
    token: z
      .string()
      .min(16)
      .max(16_384)
      .describe(
        "A fresh access token of the client, from its identity provider (e.g. Keycloak's client-credentials grant); verified, never stored",
      ),
    description: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .describe('What the client is, e.g. "payments CI: migrations"'),
  })
  .strict();

/** @public */
export type RegisterApiClientRequest = z.infer<
  typeof registerApiClientRequestSchema
>;

/** A script's client that acts for the user who registered it. @public */
export type ApiClient = {
  /** The client's subject as the portal authenticates it, e.g. `external:keycloak:<id>`. */
  subject: string;
  /** The user it acts for: it may do what they may do, no more. */
  owner: string;
  description: string;
  createdAt: string;
  /** When it last called the API (to the minute). */
  lastUsedAt?: string;
};

/** @public */
export type ApiClientList = { data: ApiClient[] };
