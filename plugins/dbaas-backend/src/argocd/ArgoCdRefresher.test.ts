import { mockServices } from '@backstage/backend-test-utils';
import type { ArgoCdClient } from './ArgoCdClient';
import { ArgoCdRefresher } from './ArgoCdRefresher';

type App = { name: string; revision?: string; synced: boolean };

/**
 * An Argo CD whose tenant Applications read as `states` say, one state per
 * read (the last one stays), and which records the refreshes asked for.
 */
function argoCd(states: App[][]) {
  const refreshed: string[] = [];
  let reads = 0;
  const client = {
    namespace: 'argocd',
    async refreshApplication(name: string) {
      refreshed.push(name);
    },
    async refreshApplicationSet() {},
    async hasProject() {
      return true;
    },
    async tenantApplications() {
      return states[Math.min(reads++, states.length - 1)];
    },
  };
  return { client: client as unknown as ArgoCdClient, refreshed };
}

const COMMIT = 'c0ffee';

async function refreshAfterCommit(states: App[][]) {
  const { client, refreshed } = argoCd(states);
  const refresher = new ArgoCdRefresher(
    client,
    mockServices.logger.mock(),
    1_000,
    5,
    4,
  );
  refresher.refresh(['payments'], COMMIT);
  await refresher.settled();
  return refreshed.filter(name => name !== 'dbaas-argocd');
}

describe('ArgoCdRefresher', () => {
  it('asks again while an Application compared the commit but has not synced it (a restart broke its sync off)', async () => {
    const refreshed = await refreshAfterCommit([
      [{ name: 'lagos-payments', revision: 'old', synced: true }],
      [{ name: 'lagos-payments', revision: COMMIT, synced: false }],
      [{ name: 'lagos-payments', revision: COMMIT, synced: false }],
      [{ name: 'lagos-payments', revision: COMMIT, synced: true }],
    ]);

    expect(refreshed).toEqual([
      'lagos-payments',
      'lagos-payments',
      'lagos-payments',
    ]);
  });

  it('asks again while an Application is on the revision it had, up to its follow-ups', async () => {
    const refreshed = await refreshAfterCommit([
      [{ name: 'lagos-payments', revision: 'old', synced: true }],
    ]);

    expect(refreshed).toHaveLength(5);
  });

  it('leaves an Application that synced the commit, or moved past it, to itself', async () => {
    const refreshed = await refreshAfterCommit([
      [
        { name: 'lagos-payments', revision: 'old', synced: true },
        { name: 'frankfurt-payments', revision: 'old', synced: true },
      ],
      [
        { name: 'lagos-payments', revision: COMMIT, synced: true },
        // A later commit, whose own refresh follows it.
        { name: 'frankfurt-payments', revision: 'later', synced: false },
      ],
    ]);

    expect(refreshed).toEqual(['lagos-payments', 'frankfurt-payments']);
  });
});
