import type {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  DBAAS_PLUGIN_ID,
  type DbaasRequestOptions,
} from '@internal/backstage-plugin-dbaas-common';

/**
 * Options for a `DbaasClient` call made on behalf of the user who runs the
 * template, so that the API applies that user's permissions, quotas and audit
 * trail, never the scaffolder's.
 */
export async function onBehalfOf(
  auth: AuthService,
  credentials: BackstageCredentials,
): Promise<DbaasRequestOptions> {
  return auth.getPluginRequestToken({
    onBehalfOf: credentials,
    targetPluginId: DBAAS_PLUGIN_ID,
  });
}
