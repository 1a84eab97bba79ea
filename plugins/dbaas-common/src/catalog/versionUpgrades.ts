import { engines } from './engines';
import type { EngineId } from './schema';

/**
 * How far one upgrade of an engine may go. `one-major`: to a later release of
 * the same major version, or of the next major version, never past it
 * (PostgreSQL's pg_upgrade path as CloudNativePG runs it, MongoDB's
 * feature-compatibility version, Vitess's supported upgrade path);
 * `any-newer`: to any later version the engine is offered in.
 * @public
 */
export const engineUpgradePaths: Record<EngineId, 'one-major' | 'any-newer'> = {
  postgresql: 'one-major',
  mongodb: 'one-major',
  vitess: 'one-major',
  yugabyte: 'any-newer',
  scylla: 'any-newer',
  dragonfly: 'any-newer',
  aerospike: 'any-newer',
};

/** Compares versions part by part as numbers: 9.6 < 16 < 16.1 < 17. @public */
export const compareVersions = (a: string, b: string) =>
  a.localeCompare(b, 'en', { numeric: true });

const majorOf = (version: string) => Number.parseInt(version, 10);

/**
 * The versions a running database of `engine` on `current` may be upgraded
 * to, oldest first: later versions among those the engine is offered in
 * (`offered`, the SKU catalog's by default), no further than its upgrade path
 * allows. The API refuses any other version change (versionChangeIssue), and
 * the upgrade template offers only these.
 * @public
 */
export function allowedUpgrades(
  engine: EngineId,
  current: string,
  offered: readonly string[] = engines.find(e => e.id === engine)?.versions ??
    [],
): string[] {
  const path = engineUpgradePaths[engine];
  return [...offered]
    .filter(version => compareVersions(version, current) > 0)
    .filter(
      version =>
        path === 'any-newer' || majorOf(version) <= majorOf(current) + 1,
    )
    .sort(compareVersions);
}

/**
 * Why a database of `engine` cannot go from version `current` to `next`, or
 * undefined when it can (the same version, or an allowed upgrade). A version
 * the engine is not offered in is left to the claim rules, which list the
 * offered ones.
 * @public
 */
export function versionChangeIssue(
  engine: EngineId,
  current: string,
  next: string,
  offered: readonly string[] = engines.find(e => e.id === engine)?.versions ??
    [],
): string | undefined {
  if (next === current) return undefined;
  if (compareVersions(next, current) < 0) {
    return `Version cannot be downgraded (from ${current} to ${next})`;
  }
  if (!offered.includes(next)) return undefined;
  if (allowedUpgrades(engine, current, offered).includes(next)) {
    return undefined;
  }
  const name = engines.find(e => e.id === engine)?.displayName ?? engine;
  return `${name} upgrades one major version at a time: from ${current}, upgrade to ${
    allowedUpgrades(engine, current, offered).join(' or ') || 'no version now'
  } first`;
}
