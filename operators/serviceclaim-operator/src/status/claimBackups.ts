import {
  CLAIM_BACKUPS_REPORTED,
  claimBackupReportSchema,
  type ClaimBackupReport,
} from '@internal/backstage-plugin-dbaas-common';
import type { ClaimObject } from '../render/types';
import { engineStatusReaders } from './claimStatus';
import type { ObjectSource, ObservedResource } from './engineStatus';

/** Where a claim's backup objects are and how they read as `status.backups`. */
export type ClaimBackupReader = {
  sources(claim: ClaimObject): ObjectSource[];
  reports(claim: ClaimObject, objects: ObservedResource[]): ClaimBackupReport[];
};

function timeOf(value: Date | string | undefined): number {
  const time = value === undefined ? NaN : new Date(value).getTime();
  return Number.isNaN(time) ? 0 : time;
}

/**
 * The claim's backups as its engine's objects tell them, newest first (by when
 * the backup started, else when its object was made), at most
 * CLAIM_BACKUPS_REPORTED: the portal keeps the history, the claim only what is
 * recent. Engines without backup objects report none.
 */
export const claimBackups: ClaimBackupReader = {
  sources(claim) {
    return engineStatusReaders[claim.spec.engine].backups?.sources(claim) ?? [];
  },
  reports(claim, objects) {
    const reader = engineStatusReaders[claim.spec.engine].backups;
    if (!reader) return [];
    // The same object may come from more than one source.
    const byName = new Map<string, ObservedResource>();
    for (const object of objects) {
      const name = object.metadata?.name;
      if (name && !byName.has(`${object.kind}/${name}`)) {
        byName.set(`${object.kind}/${name}`, object);
      }
    }
    const unique = [...byName.values()];
    const created = new Map(
      unique.map(o => [
        o.metadata?.name,
        timeOf(o.metadata?.creationTimestamp),
      ]),
    );
    const newest = (report: ClaimBackupReport) =>
      report.startedAt
        ? timeOf(report.startedAt)
        : created.get(report.name) ?? 0;
    return (
      reader
        .reports(unique, claim)
        // What the CRD would refuse is left out, not the whole status with it.
        .filter(report => claimBackupReportSchema.safeParse(report).success)
        .sort(
          (a, b) =>
            newest(b) - newest(a) ||
            Number(a.name > b.name) - Number(a.name < b.name),
        )
        .slice(0, CLAIM_BACKUPS_REPORTED)
    );
  },
};
