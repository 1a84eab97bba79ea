import {
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  resourceEntityV1alpha1Validator,
  type Entity,
} from '@backstage/catalog-model';
import {
  DBAAS_LABELS,
  offerings,
  type ServiceSummary,
} from '@internal/backstage-plugin-dbaas-common';
import { serviceEntity } from './serviceEntity';

const ORDERS: ServiceSummary = {
  id: '0b6c1f7e-2d4a-4c4e-9a51-6f1d2e3c4b5a',
  name: 'orders',
  tenant: 'group:default/checkout',
  organization: 'group:default/dbaas-org',
  engine: 'yugabyte',
  plan: 'dedicated',
  region: 'frankfurt',
  status: 'active',
  createdAt: '2026-11-20T10:00:00.000Z',
  updatedAt: '2026-11-20T10:05:00.000Z',
};
const LOCATION = `http://localhost:7007/api/dbaas/v1/services/${ORDERS.id}`;

// What the catalog checks an entity against before it stores it.
const catalogPolicy = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
]);

async function expectAcceptedByTheCatalog(entity: Entity) {
  await expect(catalogPolicy.enforce(entity)).resolves.toBeDefined();
  await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
    true,
  );
}

describe('serviceEntity', () => {
  it('is a database Resource of the tenant, in the tenant\u2019s System', async () => {
    const entity = serviceEntity(ORDERS, LOCATION);

    await expectAcceptedByTheCatalog(entity);
    expect(entity).toMatchObject({
      kind: 'Resource',
      metadata: {
        name: 'checkout.orders',
        namespace: 'default',
        title: 'orders',
        description:
          'YugabyteDB database on the Dedicated plan (99.5% SLA) in PoP frankfurt',
      },
      spec: {
        type: 'database',
        owner: 'group:default/checkout',
        system: 'system:default/checkout',
        // Its PoP's cluster entity (catalog/pops.yaml).
        dependsOn: ['resource:default/frankfurt'],
      },
    });
  });

  it('lets the Kubernetes plugin find the objects the operator labels, in the tenant\u2019s namespace', () => {
    const { annotations } = serviceEntity(ORDERS, LOCATION).metadata;

    expect(annotations).toMatchObject({
      'backstage.io/kubernetes-label-selector': `${DBAAS_LABELS.serviceId}=${ORDERS.id}`,
      'backstage.io/kubernetes-namespace': 'tenant-checkout',
    });
  });

  it('names the database, its engine, plan, region, phase and GitOps file', () => {
    const { annotations, labels } = serviceEntity(ORDERS, LOCATION).metadata;

    expect(annotations).toMatchObject({
      'backstage.io/managed-by-location': `dbaas:${LOCATION}`,
      'backstage.io/managed-by-origin-location': `dbaas:${LOCATION}`,
      'dbaas.io/service-id': ORDERS.id,
      'dbaas.io/engine': 'yugabyte',
      'dbaas.io/plan': 'dedicated',
      'dbaas.io/region': 'frankfurt',
      'dbaas.io/phase': 'Active',
      'dbaas.io/gitops-file': 'tenants/checkout/orders.yaml',
    });
    expect(labels).toEqual({
      'dbaas.io/engine': 'yugabyte',
      'dbaas.io/plan': 'dedicated',
    });
  });

  it.each(offerings.engines.map(e => e.id))(
    'shows the %s runbook in its TechDocs tab',
    async engine => {
      const entity = serviceEntity({ ...ORDERS, engine }, LOCATION);

      await expectAcceptedByTheCatalog(entity);
      // The runbook's entity, docs/runbooks/{engine}/catalog-info.yaml
      // (packages/test-services' runbooks.test.ts builds each one).
      expect(
        entity.metadata.annotations?.['backstage.io/techdocs-entity'],
      ).toBe(`component:default/runbook-${engine}`);
    },
  );

  it.each([
    ['pending', 'Pending'],
    ['provisioning', 'Provisioning'],
    ['failed', 'Failed'],
  ] as const)(
    'spells the %s status as the claim\u2019s phase %s',
    (status, phase) => {
      const entity = serviceEntity({ ...ORDERS, status }, LOCATION);

      expect(entity.metadata.annotations?.['dbaas.io/phase']).toBe(phase);
    },
  );

  it('puts a tenant of another namespace\u2019s database in that namespace, with its System', async () => {
    const entity = serviceEntity(
      { ...ORDERS, tenant: 'group:acme/payments' },
      LOCATION,
    );

    await expectAcceptedByTheCatalog(entity);
    expect(entity.metadata).toMatchObject({
      name: 'payments.orders',
      namespace: 'acme',
    });
    expect(entity.spec).toMatchObject({
      owner: 'group:acme/payments',
      system: 'system:acme/payments',
    });
  });

  it('leaves out how to connect, even when the details carry it', () => {
    const details = {
      ...ORDERS,
      connection: {
        host: 'orders.tenant-checkout.svc.frankfurt.internal',
        port: 5433,
        username: 'orders_admin',
        secretRef: 'orders-credentials',
      },
      endpoints: [{ name: 'ysql', url: 'postgres://orders.internal:5433' }],
    };

    const text = JSON.stringify(serviceEntity(details, LOCATION));

    expect(text).not.toContain('frankfurt.internal');
    expect(text).not.toContain('orders.internal');
    expect(text).not.toContain('orders_admin');
    expect(text).not.toContain('orders-credentials');
  });
});
