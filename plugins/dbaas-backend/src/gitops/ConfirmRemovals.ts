import type { ServiceRecord } from '../database/ServiceStore';

/** A database's claim removed on the branch Argo CD syncs, and the commit that removed it. */
export type CommittedRemoval = { record: ServiceRecord; sha: string };

/**
 * Ends databases whose removal is committed, where the portal watches no
 * cluster that could confirm it (see status/startStatusWatch): the commit is
 * all there is to go by.
 */
export type ConfirmRemovals = (removals: CommittedRemoval[]) => Promise<void>;
