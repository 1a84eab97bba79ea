import type { Entity } from '@backstage/catalog-model';
import { permissionRules } from '@backstage/plugin-catalog-backend/alpha';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  type ConditionalPolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  type PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { DbaasPermissionPolicy } from './DbaasPermissionPolicy';
import { catalogEntityReadDecisions } from './catalogEntityReadDecision';

const PAYMENTS = 'group:default/payments';
const LEDGER = 'group:default/ledger';

/** As catalog-backend-module-dbaas emits it, with the relations the catalog adds. */
const database = (name: string, tenant: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name, namespace: 'default' },
  spec: { type: 'database', owner: tenant },
  relations: [{ type: 'ownedBy', targetRef: tenant }],
});

/** A database's CDC topic, as catalog-backend-module-dbaas emits it. */
const topic = (name: string, tenant: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'API',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'dbaas.io/cdc-topic': name },
  },
  spec: { type: 'asyncapi', lifecycle: 'production', owner: tenant },
  relations: [{ type: 'ownedBy', targetRef: tenant }],
});

const component = (name: string, owner: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'service', owner },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});

const userOf = (ref: string, groups: string[]) =>
  ({
    info: { userEntityRef: ref, ownershipEntityRefs: [ref, ...groups] },
  } as unknown as PolicyQueryUser);

const ADA = userOf('user:default/ada', [PAYMENTS]);
const ROOT = userOf('user:default/root', ['group:default/platform']);

const authorize = createConditionAuthorizer(Object.values(permissionRules));

describe('catalogEntityReadDecisions', () => {
  const readableTenants = jest.fn(
    async (_principals: string[]) => [] as string[],
  );
  const policy = new DbaasPermissionPolicy({
    platformAdmins: ['group:default/platform'],
    decisions: catalogEntityReadDecisions({ readableTenants }),
  });

  /** Whether the user may read the entity, decided by the catalog's own rules. */
  async function reads(user: PolicyQueryUser | undefined, entity: Entity) {
    const decision = await policy.handle(
      { permission: catalogEntityReadPermission },
      user,
    );
    if (decision.result !== AuthorizeResult.CONDITIONAL) {
      return decision.result === AuthorizeResult.ALLOW;
    }
    return authorize(decision as ConditionalPolicyDecision, entity);
  }

  beforeEach(() => readableTenants.mockReset().mockResolvedValue([]));

  it('hides another tenant\u2019s database from a user', async () => {
    expect(await reads(ADA, database('ledger-orders', LEDGER))).toBe(false);
  });

  it('shows a user the databases of their own team', async () => {
    expect(await reads(ADA, database('payments-orders', PAYMENTS))).toBe(true);
  });

  it('shows the databases of tenants where the user holds a DBaaS role', async () => {
    readableTenants.mockResolvedValue([LEDGER]);
    expect(await reads(ADA, database('ledger-orders', LEDGER))).toBe(true);
    expect(readableTenants).toHaveBeenCalledWith([
      'user:default/ada',
      PAYMENTS,
    ]);
  });

  it('hides another tenant\u2019s CDC topics, and shows the user\u2019s own', async () => {
    const ledgers = 'dbaas.cdc.postgresql.ledger.public.orders';
    const ours = 'dbaas.cdc.postgresql.payments.public.orders';

    expect(await reads(ADA, topic(ledgers, LEDGER))).toBe(false);
    expect(await reads(ADA, topic(ours, PAYMENTS))).toBe(true);
  });

  it('shows every entity that is not a database, whoever owns it', async () => {
    expect(await reads(ADA, component('ledger-api', LEDGER))).toBe(true);
    // An AsyncAPI of a team's own, not a DBaaS topic.
    const events = topic('ledger-events', LEDGER);
    expect(
      await reads(ADA, {
        ...events,
        metadata: { name: 'ledger-events', namespace: 'default' },
      }),
    ).toBe(true);
    expect(
      await reads(ADA, {
        ...database('ledger-bucket', LEDGER),
        spec: { type: 'storage', owner: LEDGER },
      }),
    ).toBe(true);
  });

  it('filters in the catalog\u2019s query with the catalog\u2019s rules', async () => {
    const decision = await policy.handle(
      { permission: catalogEntityReadPermission },
      ADA,
    );
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
    });
  });

  it('lets platform admins and plugins read every database without asking', async () => {
    expect(await reads(ROOT, database('ledger-orders', LEDGER))).toBe(true);
    expect(await reads(undefined, database('ledger-orders', LEDGER))).toBe(
      true,
    );
    expect(readableTenants).not.toHaveBeenCalled();
  });
});
