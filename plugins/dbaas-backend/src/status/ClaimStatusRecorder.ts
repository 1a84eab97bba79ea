import type {
  ClaimEvent,
  ServiceRecord,
  ServiceStore,
} from '../database/ServiceStore';

export type { ClaimEvent };

/**
 * Turns what the clusters report about claims into the database's status,
 * timeline and backups (the service store records it, see
 * DatabaseServiceStore.recordClusterReport).
 *
 * A claim speaks for a database only from where the portal put it: the
 * namespace of the database's tenant, under the database's name. Anyone who
 * can write a ServiceClaim elsewhere in a cluster can copy a database's
 * `dbaas.io/service-id` label; what such a claim says (status, connection
 * host, backups, its deletion) is ignored.
 */
export class ClaimStatusRecorder {
  constructor(private readonly services: ServiceStore) {}

  /**
   * Records the event (`watched`: the clusters the portal watches); resolves
   * to the database as it is now when anything a user would see changed, else
   * undefined.
   */
  async record(
    event: ClaimEvent,
    watched?: string[],
  ): Promise<ServiceRecord | undefined> {
    if (!/^[0-9a-f-]{36}$/.test(event.serviceId)) {
      return undefined;
    }
    return this.services.recordClusterReport(event, watched);
  }
}
