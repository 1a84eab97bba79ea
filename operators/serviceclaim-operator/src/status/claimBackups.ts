import {
  backupRetention,
  CLAIM_BACKUPS_REPORTED,
  retentionMs,
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
  /**
   * The backup objects among `objects` that outlived the claim's retention
   * at `now`, for engines whose backup objects expire (EngineBackupReader's
   * `expires`), with the finalizer to add before deleting them.
   */
  expired(
    claim: ClaimObject,
    objects: ObservedResource[],
    now: Date,
  ): { objects: ObservedResource[]; dataFinalizer?: string };
};

function timeOf(value: Date | string | undefined): number {
  const time = value === undefined ? NaN : new Date(value).getTime();
  return Number.isNaN(time) ? 0 : time;
}

/** Each object once, by kind and name: the same may come from two sources. */
function uniqueObjects(objects: ObservedResource[]): ObservedResource[] {
  const byName = new Map<string, ObservedResource>();
  for (const object of objects) {
    const name = object.metadata?.name;
    if (name && !byName.has(`${object.kind}/${name}`)) {
      byName.set(`${object.kind}/${name}`, object);
    }
  }
  return [...byName.values()];
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
    const unique = uniqueObjects(objects);
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
  expired(claim, objects, now) {
    const reader = engineStatusReaders[claim.spec.engine].backups;
    if (!reader?.expires) return { objects: [] };
    const kept = retentionMs(backupRetention(claim.spec));
    const unique = uniqueObjects(objects);
    const byName = new Map(unique.map(o => [o.metadata?.name, o]));
    const expired = reader.reports(unique, claim).flatMap(report => {
      // A final backup goes with its claim; one still running has no end.
      if (report.type === 'final') return [];
      if (report.phase !== 'completed' && report.phase !== 'failed') return [];
      const object = byName.get(report.name);
      const end = timeOf(
        report.completedAt ??
          report.startedAt ??
          object?.metadata?.creationTimestamp,
      );
      return object && end > 0 && end + kept <= now.getTime() ? [object] : [];
    });
    return { objects: expired, dataFinalizer: reader.expires.dataFinalizer };
  },
};
