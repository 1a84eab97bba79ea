import { httpAuthServiceFactory } from '@backstage/backend-defaults/httpAuth';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import permissionBackend from '@backstage/plugin-permission-backend';
import dbaasPlugin, {
  permissionModuleDbaasPolicy,
} from '@internal/backstage-plugin-dbaas-backend';
import {
  membershipUserInfoFactory,
  onBehalfOfAuthServiceFactory,
} from '@internal/test-services';
import type { Knex } from 'knex';
import type { Server } from 'node:http';
import { benchCatalogFactory } from './benchCatalog';
import {
  benchGroups,
  membershipsOf,
  PLATFORM,
  type BenchShape,
} from './benchFixtures';

/**
 * The DBaaS plugin as the test backend boots it (real permission backend and
 * DBaaS policy, real HTTP auth on mock tokens), on the given database, with a
 * catalog of the shape's organizations and tenants and a rate limit high enough
 * never to refuse: its bookkeeping is still done on every request.
 */
export async function startBenchBackend(options: {
  knex: Knex;
  shape: BenchShape;
  requestsPerMinute: number;
  /** A local GitOps repository to commit claims to; none when absent. */
  gitopsPath?: string;
}): Promise<{ server: Server; stop: () => Promise<void> }> {
  const backend = await startTestBackend({
    features: [
      dbaasPlugin,
      permissionBackend,
      permissionModuleDbaasPolicy,
      permissionsServiceFactory,
      membershipUserInfoFactory(membershipsOf),
      onBehalfOfAuthServiceFactory,
      httpAuthServiceFactory,
      benchCatalogFactory(benchGroups(options.shape)),
      mockServices.rootLogger.factory({
        level: (process.env.BENCH_LOG as 'error' | undefined) ?? 'none',
      }),
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({
        data: {
          permission: { enabled: true },
          dbaas: {
            permissions: { platformAdmins: [PLATFORM] },
            rateLimit: { requestsPerMinute: options.requestsPerMinute },
            ...(options.gitopsPath
              ? { gitops: { localPath: options.gitopsPath } }
              : {}),
          },
        },
      }),
    ],
  });
  return { server: backend.server, stop: () => backend.stop() };
}

/** The Authorization header of a signed-in user, as the test backend takes it. */
export const authorizationOf = (userRef: string) =>
  mockCredentials.user.header(userRef);
