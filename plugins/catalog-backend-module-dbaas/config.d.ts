import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /** The entity provider that puts every DBaaS database in the catalog. */
      dbaas?: {
        /**
         * How often all databases are read and the catalog's set replaced.
         * Changes in between arrive as events within seconds; this run repairs
         * whatever an event missed. Defaults to every 5 minutes with a 3 minute
         * timeout.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
