import type { AuthService } from '@backstage/backend-plugin-api';
import type { DbaasApi } from '@internal/backstage-plugin-dbaas-common';

/** What the `dbaas:*` actions call the DBaaS API with. */
export type DbaasActionDeps = {
  client: DbaasApi;
  /** Gives the tokens the API is called with, on behalf of the user. */
  auth: AuthService;
};
