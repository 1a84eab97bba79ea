import {
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { ServiceSummary } from '@internal/backstage-plugin-dbaas-common';
import { cdcTopicEntity, cdcTopicsOf } from './cdcTopicEntity';
import { serviceEntity } from './serviceEntity';

const TOPIC = 'dbaas.cdc.postgresql.payments';
const LEDGER: ServiceSummary = {
  id: '0b6c1f7e-2d4a-4c4e-9a51-6f1d2e3c4b5a',
  name: 'ledger',
  tenant: 'group:default/payments',
  organization: 'group:default/dbaas-org',
  engine: 'postgresql',
  plan: 'dedicated',
  region: 'frankfurt',
  status: 'active',
  createdAt: '2026-11-20T10:00:00.000Z',
  updatedAt: '2026-11-20T10:05:00.000Z',
  cdcPipelines: [
    {
      name: 'orders',
      tables: ['public.orders', 'public.order_lines'],
      topics: [`${TOPIC}.public.orders`, `${TOPIC}.public.order_lines`],
    },
    {
      name: 'audit',
      tables: ['billing.invoices'],
      topics: [`${TOPIC}.billing.invoices`],
    },
  ],
};
const LOCATION = `http://localhost:7007/api/dbaas/v1/services/${LEDGER.id}`;

const catalogPolicy = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
]);

const entitiesOf = (service: ServiceSummary) =>
  cdcTopicsOf(service).map(topic => cdcTopicEntity(service, topic, LOCATION));

describe('cdcTopicEntity', () => {
  it('makes one API entity per topic of each pipeline', () => {
    expect(entitiesOf(LEDGER).map(e => e.metadata.title)).toEqual([
      `${TOPIC}.public.orders`,
      `${TOPIC}.public.order_lines`,
      `${TOPIC}.billing.invoices`,
    ]);
  });

  it('is an AsyncAPI API of the tenant, in the tenant\u2019s System, named after its topic', async () => {
    const [orders] = entitiesOf(LEDGER);

    await expect(catalogPolicy.enforce(orders)).resolves.toBeDefined();
    await expect(apiEntityV1alpha1Validator.check(orders)).resolves.toBe(true);
    expect(orders).toMatchObject({
      kind: 'API',
      metadata: {
        name: `${TOPIC}.public.orders`,
        namespace: 'default',
        title: `${TOPIC}.public.orders`,
        description:
          'Changes of table public.orders of database ledger, written by its CDC pipeline orders as Debezium change events',
      },
      spec: {
        type: 'asyncapi',
        lifecycle: 'production',
        owner: 'group:default/payments',
        system: 'system:default/payments',
      },
    });
    // The same owner and System as its database.
    expect(orders.spec).toMatchObject({
      owner: serviceEntity(LEDGER, LOCATION).spec?.owner,
      system: serviceEntity(LEDGER, LOCATION).spec?.system,
    });
    const definition = JSON.parse(orders.spec?.definition as string);
    expect(definition.channels.changes.address).toBe(`${TOPIC}.public.orders`);
  });

  it('names its topic, pipeline, table and database, and where its pipeline is read', () => {
    const [orders] = entitiesOf(LEDGER);

    expect(orders.metadata.annotations).toEqual({
      'backstage.io/managed-by-location': `dbaas:${LOCATION}/cdc-pipelines/orders`,
      'backstage.io/managed-by-origin-location': `dbaas:${LOCATION}/cdc-pipelines/orders`,
      'dbaas.io/service-id': LEDGER.id,
      'dbaas.io/engine': 'postgresql',
      'dbaas.io/cdc-topic': `${TOPIC}.public.orders`,
      'dbaas.io/cdc-pipeline': 'orders',
      'dbaas.io/cdc-table': 'public.orders',
    });
  });

  it('sits in the namespace of a tenant of another namespace, with a name that fits however long the topic', async () => {
    const topic = `dbaas.cdc.postgresql.acme-payments.${'a'.repeat(
      40,
    )}.${'b'.repeat(40)}`;
    const service: ServiceSummary = {
      ...LEDGER,
      tenant: 'group:acme/payments',
      cdcPipelines: [
        {
          name: 'long',
          tables: [`${'a'.repeat(40)}.${'b'.repeat(40)}`],
          topics: [topic],
        },
      ],
    };

    const [entity] = entitiesOf(service);

    await expect(catalogPolicy.enforce(entity)).resolves.toBeDefined();
    expect(entity.metadata.namespace).toBe('acme');
    expect(entity.metadata.name.length).toBeLessThanOrEqual(63);
    expect(entity.metadata.title).toBe(topic);
    expect(entity.spec).toMatchObject({
      owner: 'group:acme/payments',
      system: 'system:acme/payments',
    });
  });

  it('is deprecated while its database is being deleted', () => {
    const [orders] = entitiesOf({ ...LEDGER, status: 'deleting' });

    expect(orders.spec?.lifecycle).toBe('deprecated');
  });
});

describe('a database with CDC pipelines', () => {
  it('depends on the API entity of each of its topics', async () => {
    const database: Entity = serviceEntity(LEDGER, LOCATION);

    await expect(resourceEntityV1alpha1Validator.check(database)).resolves.toBe(
      true,
    );
    // After its PoP's cluster entity.
    expect(database.spec?.dependsOn).toEqual([
      `resource:default/${LEDGER.region}`,
      ...entitiesOf(LEDGER).map(e => stringifyEntityRef(e)),
    ]);
    expect(database.spec?.dependsOn).toEqual([
      `resource:default/${LEDGER.region}`,
      `api:default/${TOPIC}.public.orders`,
      `api:default/${TOPIC}.public.order_lines`,
      `api:default/${TOPIC}.billing.invoices`,
    ]);
  });

  it('has no topics and depends on its PoP alone without a pipeline', () => {
    const { cdcPipelines: _none, ...plain } = LEDGER;

    expect(entitiesOf(plain)).toEqual([]);
    expect(serviceEntity(plain, LOCATION).spec?.dependsOn).toEqual([
      `resource:default/${LEDGER.region}`,
    ]);
  });
});
