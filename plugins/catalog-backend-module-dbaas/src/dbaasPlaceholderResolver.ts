import { InputError } from '@backstage/errors';
import type { PlaceholderResolver } from '@backstage/plugin-catalog-node';
import { DBAAS_OPENAPI_PATH } from '@internal/backstage-plugin-dbaas-common';
import type { DbaasServiceClient } from './DbaasServiceClient';

/**
 * The `$dbaas` placeholder of catalog files: `definition: { $dbaas: /openapi.json }`
 * in the API entity `dbaas-api` (catalog/apis/dbaas-api.yaml) becomes the
 * OpenAPI document the DBaaS backend serves, so that the catalog shows the API
 * that runs rather than a committed copy. `$text` cannot do it: the URL it
 * reads is written in the file, the same for every environment, and it reads
 * without a token. This one asks the backend found by discovery, with the
 * catalog's own credentials. It serves that one path only: the others hold
 * tenants' data, which those credentials may all read.
 */
export function dbaasPlaceholderResolver(
  client: DbaasServiceClient,
): PlaceholderResolver {
  return async ({ value }) => {
    if (value !== DBAAS_OPENAPI_PATH) {
      throw new InputError(
        `$dbaas reads only ${DBAAS_OPENAPI_PATH}, the API\u2019s OpenAPI document; got ${JSON.stringify(
          value,
        )}`,
      );
    }
    return JSON.stringify(await client.getOpenApiDocument(), null, 2);
  };
}
