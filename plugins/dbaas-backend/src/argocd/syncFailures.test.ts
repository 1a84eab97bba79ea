import { examplePops as POPS } from '@internal/backstage-plugin-dbaas-common/testUtils';
import yaml from 'js-yaml';
import { gitopsLayout } from '../gitops/gitopsLayout';
import { LAYOUT_APPLICATION, TENANTS_APPLICATION_SET } from './ArgoCdClient';
import { syncFailuresOf, type ArgoApplication } from './syncFailures';

const labels = { 'dbaas.io/pop': 'lagos', 'dbaas.io/tenant': 'payments' };

const app = (
  status: ArgoApplication['status'],
  appLabels: Record<string, string> = labels,
): ArgoApplication => ({
  metadata: { name: 'lagos-payments', namespace: 'argocd', labels: appLabels },
  status,
});

const claim = (
  name: string,
  status: string,
  message: string,
  namespace = 'tenant-payments',
) => ({
  group: 'dbaas.io',
  version: 'v1alpha1',
  kind: 'ServiceClaim',
  namespace,
  name,
  status,
  message,
});

describe('syncFailuresOf', () => {
  it('names the claims a failed sync could not apply, with their messages', () => {
    const failures = syncFailuresOf(
      app({
        operationState: {
          phase: 'Failed',
          message: 'one or more objects failed to apply',
          syncResult: {
            resources: [
              claim(
                'orders',
                'SyncFailed',
                'ServiceClaim.dbaas.io "orders" is invalid: spec.plan: Unsupported value',
              ),
              claim(
                'ledger',
                'Synced',
                'serviceclaim.dbaas.io/ledger configured',
              ),
            ],
          },
        },
      }),
    );
    expect(failures).toEqual([
      {
        tenant: 'payments',
        cluster: 'lagos',
        message:
          'ServiceClaim.dbaas.io "orders" is invalid: spec.plan: Unsupported value',
        claims: ['orders'],
      },
    ]);
  });

  it("holds up the tenant's unsynced databases for a claim in another tenant's namespace", () => {
    const failures = syncFailuresOf(
      app({
        operationState: {
          phase: 'Failed',
          message: 'one or more objects failed to apply (dry run)',
          syncResult: {
            resources: [
              claim(
                'orders',
                'SyncFailed',
                "namespace tenant-checkout is not permitted in project 'dbaas-tenant-payments'",
                'tenant-checkout',
              ),
              claim('ledger', 'Synced', ''),
            ],
          },
        },
      }),
    );
    // Not a failure of checkout's database "orders": payments' folder wrote it.
    expect(failures).toEqual([
      {
        tenant: 'payments',
        cluster: 'lagos',
        message:
          "one or more objects failed to apply (dry run) (ServiceClaim tenant-checkout/orders: namespace tenant-checkout is not permitted in project 'dbaas-tenant-payments')",
        except: ['ledger'],
      },
    ]);
  });

  it('reads a sync waiting to retry as failed, once whatever the attempt', () => {
    const attempt = (n: number) =>
      syncFailuresOf(
        app({
          operationState: {
            phase: 'Running',
            finishedAt: '2026-12-02T10:00:00Z',
            message: `one or more synchronization tasks are not valid. Retrying attempt #${n} at 2026-12-02T10:0${n}:00Z.`,
            syncResult: { resources: [] },
          },
        }),
      );
    expect(attempt(1)).toEqual([
      {
        tenant: 'payments',
        cluster: 'lagos',
        message: 'one or more synchronization tasks are not valid',
        except: [],
      },
    ]);
    expect(attempt(2)).toEqual(attempt(1));
  });

  it('says nothing of a sync running or succeeded', () => {
    expect(
      syncFailuresOf(
        app({
          operationState: {
            phase: 'Running',
            message: 'Retrying operation with latest revisions. Attempt #3',
          },
        }),
      ),
    ).toEqual([]);
    expect(
      syncFailuresOf(
        app({
          operationState: {
            phase: 'Succeeded',
            message: 'successfully synced (all tasks run)',
          },
          conditions: [
            { type: 'OrphanedResourceWarning', message: 'orphaned' },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('reports error conditions for the whole Application, a SyncError beside a failed sync once', () => {
    expect(
      syncFailuresOf(
        app({
          conditions: [
            {
              type: 'ComparisonError',
              message: 'Failed to load target state: connection refused',
            },
          ],
        }),
      ),
    ).toEqual([
      {
        tenant: 'payments',
        cluster: 'lagos',
        message:
          'ComparisonError: Failed to load target state: connection refused',
      },
    ]);
    expect(
      syncFailuresOf(
        app({
          operationState: {
            phase: 'Error',
            message: 'namespace auto creation failed',
          },
          conditions: [
            {
              type: 'SyncError',
              message:
                'Failed last sync attempt to abc: namespace auto creation failed',
            },
          ],
        }),
      ).map(f => f.message),
    ).toEqual(['namespace auto creation failed']);
  });

  it('ignores Applications that are not a tenant’s on a PoP', () => {
    expect(
      syncFailuresOf(
        app(
          { operationState: { phase: 'Failed', message: 'x' } },
          {
            'dbaas.io/pop': 'lagos',
          },
        ),
      ),
    ).toEqual([]);
  });

  it('reads the Argo CD resources the layout generates, by their names and labels', () => {
    const layout = gitopsLayout(POPS, {
      repoURL: 'https://git.example/gitops.git',
    });
    const docs = layout
      .filter(f => f.path.startsWith('argocd/') && f.path.endsWith('.yaml'))
      .flatMap(f => yaml.loadAll(f.content) as any[]);
    const tenants = docs.find(
      d =>
        d?.kind === 'ApplicationSet' &&
        d.metadata.name === TENANTS_APPLICATION_SET,
    );
    expect(Object.keys(tenants.spec.template.metadata.labels).sort()).toEqual([
      'dbaas.io/pop',
      'dbaas.io/tenant',
    ]);
    expect(
      docs.some(
        d =>
          d?.kind === 'Application' && d.metadata.name === LAYOUT_APPLICATION,
      ),
    ).toBe(true);
  });
});
