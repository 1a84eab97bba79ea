import { TestDatabases } from '@backstage/backend-test-utils';
import {
  API_ERROR_STATUS,
  auditLogQuerySchema,
  createBackupRequestSchema,
  createCdcPipelineRequestSchema,
  createServiceRequestSchema,
  DBAAS_ROLES,
  ENGINE_IDS,
  grantRoleRequestSchema,
  listServicesQuerySchema,
  metricsQuerySchema,
  ORGANIZATION_ONLY_ROLES,
  PLAN_IDS,
  popIdSchema,
  restoreRequestSchema,
  scaleServiceRequestSchema,
  SERVICE_STATUSES,
  setQuotaRequestSchema,
  skuQuerySchema,
  updateServiceRequestSchema,
} from '@internal/backstage-plugin-dbaas-common';
import {
  EXAMPLE_POP_IDS as REGION_IDS,
  exampleSkuCatalog as skuCatalog,
} from '@internal/backstage-plugin-dbaas-common/testUtils';
import fc from 'fast-check';
import type { Knex } from 'knex';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  CHECKOUT,
  LEDGER,
  PAYMENTS,
  startDbaasBackend,
} from '../__testUtils__/dbaasTestBackend';
import {
  arbitraryBodies,
  arbitraryQueries,
  badByteQuantity,
  badCidr,
  badCpuQuantity,
  badCron,
  badDestination,
  badEntityRef,
  badRetention,
  badServiceName,
  badTimestamp,
  brokenBodies,
  brokenQueries,
  hugeBodyText,
  malformedBodies,
  notOfType,
  notOneOf,
  outOfRange,
  queryStringOf,
  tooLong,
  type BodyCase,
  type BodyRules,
  type QueryCase,
} from '../__testUtils__/fuzzBodies';

// Each route gets RUNS requests. A failure prints its seed, and
// DBAAS_FUZZ_SEED=<seed> replays the same requests. Failures are reported as
// found, not shrunk: a request the API wrongly accepted has changed the state
// that shrinking would replay against (a second create then answers 409).
const RUNS = Number(process.env.DBAAS_FUZZ_RUNS ?? 500);
const SEED = process.env.DBAAS_FUZZ_SEED
  ? Number(process.env.DBAAS_FUZZ_SEED)
  : Math.floor(Math.random() * 2 ** 31);

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** The tables a refused request must leave as they were. */
const TABLES = [
  'service_instances',
  'tenant_quotas',
  'service_backups',
  'service_restores',
  'role_grants',
];

const ROOT = 'user:default/root';
const SEED_BODY = {
  name: 'seed',
  tenant: PAYMENTS,
  engine: 'postgresql',
  plan: 'shared',
  region: 'lagos',
};

/** What the fuzzed routes point at: the seeded database and its pending backup. */
type Targets = { serviceId: string; pendingBackupId: string };

type Route =
  | {
      method: 'post' | 'put';
      path: (t: Targets) => string;
      cases: (t: Targets) => fc.Arbitrary<BodyCase>;
    }
  | {
      method: 'get';
      path: (t: Targets) => string;
      cases: (t: Targets) => fc.Arbitrary<QueryCase>;
    };

const keysOf = (schema: { shape: Record<string, unknown> }) =>
  Object.keys(schema.shape);
const accepts =
  (schema: { safeParse: (v: unknown) => { success: boolean } }) =>
  (value: unknown) =>
    schema.safeParse(value).success;

/** A body route's cases: arbitrary JSON, broken valid bodies, malformed raw bodies. */
function bodyCases(options: {
  valid: fc.Arbitrary<unknown>;
  rules: BodyRules;
  knownKeys: readonly string[];
  isValid: (value: unknown) => boolean;
}): fc.Arbitrary<BodyCase> {
  return fc.oneof(
    {
      arbitrary: arbitraryBodies(options.knownKeys, options.isValid),
      weight: 3,
    },
    { arbitrary: brokenBodies(options.valid, options.rules), weight: 5 },
    { arbitrary: malformedBodies(options.valid), weight: 2 },
  );
}

/** A query route's cases: arbitrary parameters and broken valid queries. */
function queryCases(options: {
  valid: fc.Arbitrary<[string, string][]>;
  rules: Parameters<typeof brokenQueries>[1];
  isValid: (query: Record<string, string | string[]>) => boolean;
}): fc.Arbitrary<QueryCase> {
  return fc.oneof(
    {
      arbitrary: arbitraryQueries(options.rules.known, options.isValid),
      weight: 1,
    },
    { arbitrary: brokenQueries(options.valid, options.rules), weight: 2 },
  );
}

const entries = (record: Record<string, string | undefined>) =>
  Object.entries(record).filter(
    (e): e is [string, string] => e[1] !== undefined,
  );

// Values of the right shape.
const int = (min: number, max: number) => fc.integer({ min, max });
const iso = fc
  .date({
    min: new Date('2001-01-01T00:00:00Z'),
    max: new Date('2099-01-01T00:00:00Z'),
    noInvalidDate: true,
  })
  .map(d => d.toISOString());
const goodCidrs = ['10.0.0.0/8', '192.168.1.0/24'];

// What the catalog offers, and engine/plan/region triples it does not.
const offered = skuCatalog.skus.flatMap(sku =>
  sku.regions.map(region => ({ engine: sku.engine, plan: sku.plan, region })),
);
const notOffered = ENGINE_IDS.flatMap(engine =>
  PLAN_IDS.flatMap(plan =>
    REGION_IDS.map(region => ({ engine, plan, region })),
  ),
).filter(
  t =>
    !offered.some(
      o => o.engine === t.engine && o.plan === t.plan && o.region === t.region,
    ),
);

// Strings for a query, where every value is a string.
const strings = (arbitrary: fc.Arbitrary<unknown>) =>
  arbitrary.filter((v): v is string => typeof v === 'string');
const badPage = (max: number) =>
  fc.oneof(
    fc.oneof(int(-1000, 0), int(max + 1, max + 1_000_000)).map(String),
    fc
      .double({ min: 1, max, noNaN: true })
      .filter(n => !Number.isInteger(n))
      .map(String),
    fc.stringMatching(/^[a-z]{1,8}$/),
    fc.constant(''),
  );
const badEnumString = (values: readonly string[]) => strings(notOneOf(values));
// A region that is no PoP id at all. A well-formed id of no PoP is a valid
// filter of the databases list (a PoP removed from the catalog may still hold
// some), answered with none.
const badPopId = badEnumString(REGION_IDS).filter(
  value => !popIdSchema.safeParse(value).success,
);
const badTenantString = fc.oneof(
  strings(badEntityRef),
  fc.constant('user:default/ada'),
);

/** The config of a create or update request, and ways to break each field. */
const configFields: BodyRules['fields'] = [
  { path: ['config'], bad: notOfType('object') },
  {
    path: ['config', 'version'],
    bad: fc.oneof(fc.constant(''), notOfType('string')),
  },
  { path: ['config', 'storageSize'], bad: badByteQuantity },
  {
    path: ['config', 'storageClass'],
    bad: fc.oneof(fc.constant(''), notOfType('string')),
  },
  {
    path: ['config', 'replicationFactor'],
    bad: fc.oneof(
      outOfRange({ min: 1, max: 9, int: true }),
      notOfType('number'),
    ),
  },
  {
    path: ['config', 'regions'],
    bad: fc.oneof(
      fc.constant([]),
      notOfType('array'),
      notOneOf(REGION_IDS).map(region => ['lagos', region]),
    ),
  },
  { path: ['config', 'resources'], bad: notOfType('object') },
  { path: ['config', 'resources', 'instance'], bad: notOfType('object') },
  {
    path: ['config', 'resources', 'instance', 'replicas'],
    bad: fc.oneof(
      outOfRange({ min: 1, max: 99, int: true }),
      notOfType('number'),
    ),
  },
  { path: ['config', 'resources', 'instance', 'cpu'], bad: badCpuQuantity },
  { path: ['config', 'resources', 'instance', 'memory'], bad: badByteQuantity },
  {
    path: ['config', 'shards'],
    bad: fc.oneof(outOfRange({ min: 1, int: true }), notOfType('number')),
  },
  {
    path: ['config', 'racks'],
    bad: fc.oneof(outOfRange({ min: 1, int: true }), notOfType('number')),
  },
  { path: ['config', 'strongConsistency'], bad: notOfType('boolean') },
  { path: ['config', 'multiAZ'], bad: notOfType('boolean') },
  { path: ['config', 'tls'], bad: notOfType('boolean') },
  { path: ['config', 'backup'], bad: notOfType('object') },
  { path: ['config', 'backup', 'enabled'], bad: notOfType('boolean') },
  { path: ['config', 'backup', 'schedule'], bad: badCron },
  { path: ['config', 'backup', 'retention'], bad: badRetention },
  { path: ['config', 'backup', 'destination'], bad: badDestination },
  {
    path: ['config', 'allowedCIDRs'],
    bad: fc.oneof(
      notOfType('array'),
      fc
        .tuple(badCidr, int(0, goodCidrs.length))
        .map(([cidr, at]) => [
          ...goodCidrs.slice(0, at),
          cidr,
          ...goodCidrs.slice(at),
        ]),
    ),
  },
];
const configObjects: BodyRules['objects'] = [
  {
    path: ['config'],
    keys: [
      'version',
      'storageSize',
      'storageClass',
      'replicationFactor',
      'regions',
      'resources',
      'shards',
      'racks',
      'strongConsistency',
      'backup',
      'multiAZ',
      'tls',
      'allowedCIDRs',
    ],
  },
  {
    path: ['config', 'backup'],
    keys: ['enabled', 'schedule', 'retention', 'destination'],
  },
  {
    path: ['config', 'resources', 'instance'],
    keys: ['replicas', 'cpu', 'memory'],
  },
];

/**
 * Configs that pass the schema and break a rule of a shared PostgreSQL 17 with
 * 100Gi of storage (the seed): each with the field a refusal should name.
 */
const badSharedPgConfig: fc.Arbitrary<{ config: object; field: string }> =
  fc.oneof(
    fc
      .stringMatching(/^[a-z][a-z0-9]{0,15}$/)
      .filter(role => role !== 'instance')
      .map(role => ({
        config: { resources: { [role]: { cpu: '1' } } },
        field: `config.resources.${role}`,
      })),
    fc.constantFrom('__proto__', 'constructor', 'toString').map(role => ({
      config: { resources: { [role]: { cpu: '1' } } },
      field: `config.resources.${role}`,
    })),
    fc
      .stringMatching(/^[0-9]{1,2}(\.[0-9])?$/)
      .filter(v => v !== '16' && v !== '17')
      .map(version => ({ config: { version }, field: 'config.version' })),
    fc
      .oneof(
        int(11, 99).map(n => `${n}Ti`),
        int(1, 99).map(n => `${n}Gi`),
      )
      .map(storageSize => ({
        config: { storageSize },
        field: 'config.storageSize',
      })),
    fc
      .constantFrom(['frankfurt'], ['lagos', 'frankfurt'])
      .map(regions => ({ config: { regions }, field: 'config.regions' })),
    int(2, 99).map(replicas => ({
      config: { resources: { instance: { replicas } } },
      field: 'config.resources.instance.replicas',
    })),
    fc
      .constantFrom('shards', 'racks')
      .chain(key =>
        int(2, 64).map(n => ({ config: { [key]: n }, field: `config.${key}` })),
      ),
  );

const json = (label: string, value: unknown, field?: string): BodyCase => ({
  kind: 'json',
  label,
  value,
  field,
});

const ROUTES: Record<string, Route> = {
  'POST /v1/services': {
    method: 'post',
    path: () => '/v1/services',
    cases: () => {
      const valid = fc
        .record({
          name: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/),
          tenant: fc.constantFrom(PAYMENTS, CHECKOUT),
          triple: fc.constantFrom(...offered),
        })
        .map(({ triple, ...rest }) => ({ ...rest, ...triple }));
      return bodyCases({
        valid,
        knownKeys: keysOf(createServiceRequestSchema),
        isValid: accepts(createServiceRequestSchema),
        rules: {
          required: [['name'], ['tenant'], ['engine'], ['plan'], ['region']],
          fields: [
            { path: ['name'], bad: badServiceName },
            {
              path: ['tenant'],
              bad: fc.oneof(badEntityRef, fc.constant('user:default/ada')),
            },
            { path: ['engine'], bad: notOneOf(ENGINE_IDS) },
            { path: ['plan'], bad: notOneOf(PLAN_IDS) },
            { path: ['region'], bad: notOneOf(REGION_IDS) },
            {
              path: ['sku'],
              bad: fc.oneof(fc.constant(''), tooLong(63), notOfType('string')),
            },
            ...configFields,
          ],
          objects: [
            { path: [], keys: keysOf(createServiceRequestSchema) },
            ...configObjects,
          ],
          semantic: fc.oneof(
            fc
              .constantFrom(
                'group:default/nobody',
                'group:default/platform',
                'group:default/acme',
              )
              .map(tenant =>
                json(
                  'tenant of no organization',
                  { ...SEED_BODY, name: 'other', tenant },
                  'tenant',
                ),
              ),
            fc
              .constantFrom(...notOffered)
              .map(triple =>
                json(
                  'not offered there',
                  { ...SEED_BODY, name: 'other', ...triple },
                  'region',
                ),
              ),
            fc
              .constantFrom('nope', 'yb-shared', 'pg-ha')
              .map(sku =>
                json('wrong SKU', { ...SEED_BODY, name: 'other', sku }, 'sku'),
              ),
            badSharedPgConfig.map(({ config, field }) =>
              json(
                'config against the rules',
                { ...SEED_BODY, name: 'other', config },
                field,
              ),
            ),
            fc.constant(json('name taken', SEED_BODY)),
          ),
        },
      });
    },
  },
  'PUT /v1/services/{id}': {
    method: 'put',
    path: t => `/v1/services/${t.serviceId}`,
    cases: () => {
      const valid = fc.constant({ config: {} });
      return bodyCases({
        valid,
        knownKeys: ['config'],
        isValid: value => updateServiceRequestSchema.safeParse(value).success,
        rules: {
          required: [['config']],
          fields: configFields,
          objects: [{ path: [], keys: ['config'] }, ...configObjects],
          semantic: fc.oneof(
            badSharedPgConfig.map(({ config, field }) =>
              json('config against the rules', { config }, field),
            ),
            fc.constant(
              json(
                'downgrade',
                { config: { version: '16' } },
                'config.version',
              ),
            ),
            fc
              .constantFrom('1Ki', '1Mi', '50Gi', '99Gi')
              .map(storageSize =>
                json(
                  'shrink',
                  { config: { storageSize } },
                  'config.storageSize',
                ),
              ),
          ),
        },
      });
    },
  },
  'POST /v1/services/{id}/scale': {
    method: 'post',
    path: t => `/v1/services/${t.serviceId}/scale`,
    cases: () => {
      const valid = fc.constantFrom<object>(
        { cpu: '2' },
        { memory: '4Gi' },
        { replicas: 1 },
        { role: 'instance', cpu: '500m' },
      );
      return bodyCases({
        valid,
        knownKeys: ['role', 'replicas', 'cpu', 'memory'],
        isValid: accepts(scaleServiceRequestSchema),
        rules: {
          required: [],
          fields: [
            {
              path: ['role'],
              bad: fc.oneof(fc.constant(''), tooLong(32), notOfType('string')),
            },
            {
              path: ['replicas'],
              bad: fc.oneof(
                outOfRange({ min: 1, max: 99, int: true }),
                notOfType('number'),
              ),
            },
            { path: ['cpu'], bad: badCpuQuantity },
            { path: ['memory'], bad: badByteQuantity },
          ],
          objects: [{ path: [], keys: ['role', 'replicas', 'cpu', 'memory'] }],
          semantic: fc.oneof(
            fc
              .constantFrom({}, { role: 'instance' })
              .map(body => json('nothing to scale', body)),
            fc
              .oneof(
                fc.stringMatching(/^[a-z][a-z0-9]{0,15}$/),
                fc.constantFrom('__proto__', 'constructor', 'toString'),
              )
              .filter(role => role !== 'instance')
              .map(role => json('no such role', { role, cpu: '1' }, 'role')),
            int(2, 99).map(replicas =>
              json('replicas on a shared plan', { replicas }, 'replicas'),
            ),
          ),
        },
      });
    },
  },
  'POST /v1/services/{id}/backups': {
    method: 'post',
    path: t => `/v1/services/${t.serviceId}/backups`,
    cases: () => {
      const valid = fc.record(
        {
          type: fc.constant('manual'),
          description: fc.string({ maxLength: 500 }),
        },
        { requiredKeys: [] },
      );
      return bodyCases({
        valid,
        knownKeys: ['type', 'description'],
        isValid: accepts(createBackupRequestSchema),
        rules: {
          required: [],
          fields: [
            { path: ['type'], bad: notOneOf(['manual']) },
            {
              path: ['description'],
              bad: fc.oneof(tooLong(500), notOfType('string')),
            },
          ],
          objects: [{ path: [], keys: ['type', 'description'] }],
        },
      });
    },
  },
  'POST /v1/services/{id}/cdc-pipelines': {
    method: 'post',
    path: t => `/v1/services/${t.serviceId}/cdc-pipelines`,
    cases: () => {
      const table = fc.stringMatching(
        /^[a-z_][a-z0-9_]{0,20}\.[a-z_][a-z0-9_]{0,20}$/,
      );
      const valid = fc.record(
        {
          name: fc.stringMatching(/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/),
          tables: fc.uniqueArray(table, { minLength: 1, maxLength: 3 }),
          snapshot: fc.constantFrom('initial', 'never'),
        },
        { requiredKeys: ['name', 'tables'] },
      );
      const badTable = fc.oneof(
        fc.constantFrom('', 'public.order-lines', 'public..orders', '.orders'),
        tooLong(127),
        notOfType('string'),
      );
      return bodyCases({
        valid,
        knownKeys: keysOf(createCdcPipelineRequestSchema),
        isValid: accepts(createCdcPipelineRequestSchema),
        rules: {
          required: [['name'], ['tables']],
          fields: [
            { path: ['name'], bad: badServiceName },
            {
              path: ['tables'],
              bad: fc.oneof(
                notOfType('array'),
                fc.constant([]),
                badTable.map(bad => ['public.orders', bad]),
              ),
            },
            { path: ['snapshot'], bad: notOneOf(['initial', 'never']) },
          ],
          objects: [{ path: [], keys: keysOf(createCdcPipelineRequestSchema) }],
          // Valid to the schema, not in PostgreSQL's schema.table form.
          semantic: fc
            .stringMatching(/^[a-z_][a-z0-9_]{0,20}$/)
            .map(bare =>
              json(
                'a table not in the engine\u2019s form',
                { name: 'orders', tables: [bare] },
                'tables',
              ),
            ),
        },
      });
    },
  },
  'POST /v1/services/{id}/restore': {
    method: 'post',
    path: t => `/v1/services/${t.serviceId}/restore`,
    cases: t => {
      const valid = fc.record(
        { backupId: fc.uuid({ version: 4 }), pointInTime: iso },
        { requiredKeys: ['backupId'] },
      );
      return bodyCases({
        valid,
        knownKeys: ['backupId', 'pointInTime'],
        isValid: accepts(restoreRequestSchema),
        rules: {
          required: [['backupId']],
          fields: [
            {
              path: ['backupId'],
              bad: fc.oneof(
                fc.constantFrom(
                  'not-a-uuid',
                  '',
                  t.pendingBackupId.slice(0, -1),
                  t.pendingBackupId.replace(/-/g, ''),
                  `${t.pendingBackupId}0`,
                ),
                fc.string({ maxLength: 40 }),
                notOfType('string'),
              ),
            },
            {
              path: ['pointInTime'],
              bad: fc.oneof(badTimestamp, notOfType('string')),
            },
          ],
          objects: [{ path: [], keys: ['backupId', 'pointInTime'] }],
          semantic: fc.oneof(
            valid.map(body => json('no such backup', body)),
            fc.constant(
              json(
                'backup not completed',
                { backupId: t.pendingBackupId },
                'backupId',
              ),
            ),
          ),
        },
      });
    },
  },
  'POST /v1/organizations/{id}/members': {
    method: 'post',
    path: () => '/v1/organizations/acme/members',
    cases: () => {
      const principal = fc.constantFrom(
        'user:default/newbie',
        'group:default/checkout',
      );
      const serviceRoles = DBAAS_ROLES.filter(
        r => !ORGANIZATION_ONLY_ROLES.includes(r),
      );
      const valid = fc.oneof(
        fc.record({
          principal,
          role: fc.constantFrom(...ORGANIZATION_ONLY_ROLES),
        }),
        fc.record({
          principal,
          role: fc.constantFrom(...serviceRoles),
          tenant: fc.constantFrom(PAYMENTS, CHECKOUT),
        }),
      );
      return bodyCases({
        valid,
        knownKeys: ['principal', 'role', 'tenant'],
        isValid: accepts(grantRoleRequestSchema),
        rules: {
          required: [['principal'], ['role']],
          fields: [
            { path: ['principal'], bad: badEntityRef },
            { path: ['role'], bad: notOneOf(DBAAS_ROLES) },
            {
              path: ['tenant'],
              bad: fc.oneof(badEntityRef, fc.constant('user:default/ada')),
            },
          ],
          objects: [{ path: [], keys: ['principal', 'role', 'tenant'] }],
          semantic: fc.oneof(
            fc
              .tuple(
                principal,
                fc.constantFrom(...serviceRoles),
                fc.constantFrom(
                  LEDGER,
                  'group:default/nobody',
                  'group:default/acme',
                ),
              )
              .map(([p, role, tenant]) =>
                json(
                  'tenant of another organization',
                  { principal: p, role, tenant },
                  'tenant',
                ),
              ),
            fc
              .tuple(principal, fc.constantFrom(...ORGANIZATION_ONLY_ROLES))
              .map(([p, role]) =>
                json(
                  'organization role on a tenant',
                  { principal: p, role, tenant: PAYMENTS },
                  'tenant',
                ),
              ),
          ),
        },
      });
    },
  },
  'PUT /v1/organizations/{id}/quotas': {
    method: 'put',
    path: () => '/v1/organizations/acme/quotas',
    cases: () => {
      const quota = fc.record({
        instances: int(0, 100_000),
        storageGi: fc.double({ min: 0, max: 10_000_000, noNaN: true }),
        cpu: fc.double({ min: 0, max: 1_000_000, noNaN: true }),
        memoryGi: fc.double({ min: 0, max: 10_000_000, noNaN: true }),
        backups: int(0, 1_000_000),
        cdcPipelines: int(0, 1_000_000),
      });
      const valid = fc.record({
        tenant: fc.constantFrom(PAYMENTS, CHECKOUT),
        quota,
      });
      const limits = {
        instances: { max: 100_000, int: true },
        storageGi: { max: 10_000_000 },
        cpu: { max: 1_000_000 },
        memoryGi: { max: 10_000_000 },
        backups: { max: 1_000_000, int: true },
        cdcPipelines: { max: 1_000_000, int: true },
      };
      return bodyCases({
        valid,
        knownKeys: ['tenant', 'quota'],
        isValid: accepts(setQuotaRequestSchema),
        rules: {
          required: [
            ['tenant'],
            ['quota'],
            ...Object.keys(limits).map(key => ['quota', key]),
          ],
          fields: [
            {
              path: ['tenant'],
              bad: fc.oneof(badEntityRef, fc.constant('user:default/ada')),
            },
            { path: ['quota'], bad: notOfType('object') },
            ...Object.entries(limits).map(([key, limit]) => ({
              path: ['quota', key],
              bad: fc.oneof(
                outOfRange({ min: 0, ...limit }),
                notOfType('number'),
              ),
            })),
          ],
          objects: [
            { path: [], keys: ['tenant', 'quota'] },
            { path: ['quota'], keys: Object.keys(limits) },
          ],
          semantic: fc
            .tuple(
              fc.constantFrom(
                LEDGER,
                'group:default/nobody',
                'group:default/acme',
              ),
              quota,
            )
            .map(([tenant, q]) =>
              json(
                'tenant of another organization',
                { tenant, quota: q },
                'tenant',
              ),
            ),
        },
      });
    },
  },
  'GET /v1/services': {
    method: 'get',
    path: () => '/v1/services',
    cases: () => {
      const valid = fc
        .record(
          {
            page: int(1, 100_000).map(String),
            limit: int(1, 100).map(String),
            engine: fc.constantFrom(...ENGINE_IDS),
            plan: fc.constantFrom(...PLAN_IDS),
            region: fc.constantFrom(...REGION_IDS),
            status: fc.constantFrom(...SERVICE_STATUSES),
            tenant: fc.constantFrom(PAYMENTS, CHECKOUT),
            q: fc.stringMatching(/^[a-z]{1,40}$/),
          },
          { requiredKeys: [] },
        )
        .map(entries);
      return queryCases({
        valid,
        isValid: accepts(listServicesQuerySchema),
        rules: {
          required: [],
          known: keysOf(listServicesQuerySchema),
          params: [
            { name: 'page', bad: badPage(100_000) },
            { name: 'limit', bad: badPage(100) },
            { name: 'engine', bad: badEnumString(ENGINE_IDS) },
            { name: 'plan', bad: badEnumString(PLAN_IDS) },
            { name: 'region', bad: badPopId },
            { name: 'status', bad: badEnumString(SERVICE_STATUSES) },
            { name: 'tenant', bad: badTenantString },
            { name: 'q', bad: fc.oneof(fc.constant(''), tooLong(40)) },
          ],
        },
      });
    },
  },
  'GET /v1/services/{id}/metrics': {
    method: 'get',
    path: t => `/v1/services/${t.serviceId}/metrics`,
    cases: () => {
      const valid = fc
        .record(
          {
            start: fc.constant('2026-11-25T09:00:00Z'),
            end: fc.constant('2026-11-25T11:00:00+01:00'),
            step: fc.stringMatching(/^[1-9][0-9]{0,2}[smh]$/),
          },
          { requiredKeys: [] },
        )
        .map(entries);
      return queryCases({
        valid,
        isValid: accepts(metricsQuerySchema),
        rules: {
          required: [],
          known: keysOf(metricsQuerySchema),
          params: [
            { name: 'start', bad: badTimestamp },
            { name: 'end', bad: badTimestamp },
            {
              name: 'step',
              bad: fc.oneof(
                fc.constantFrom(
                  '0s',
                  '5d',
                  '1.5m',
                  'm',
                  '',
                  '-1m',
                  '05m',
                  '1M',
                  '1 m',
                ),
                fc.stringMatching(/^[a-z]{1,6}$/),
              ),
            },
          ],
          semantic: fc.tuple(iso, int(1, 86_400_000)).map(
            ([end, before]): QueryCase => ({
              label: 'end before start',
              pairs: [
                ['start', end],
                ['end', new Date(Date.parse(end) - before).toISOString()],
              ],
              field: 'end',
            }),
          ),
        },
      });
    },
  },
  'GET /v1/audit-logs': {
    method: 'get',
    path: () => '/v1/audit-logs',
    cases: () => {
      const valid = fc
        .record(
          {
            tenant: fc.constantFrom(PAYMENTS, CHECKOUT),
            page: int(1, 100_000).map(String),
            limit: int(1, 100).map(String),
            action: fc.stringMatching(/^[a-z]{1,10}\.[a-z]{1,10}$/),
            actor: fc.constantFrom('user:default/ada', 'plugin:scaffolder'),
            since: iso,
            // After every `since` above.
            until: fc.constant('2099-12-31T23:59:59Z'),
          },
          { requiredKeys: ['tenant'] },
        )
        .map(entries);
      return queryCases({
        valid,
        isValid: accepts(auditLogQuerySchema),
        rules: {
          required: ['tenant'],
          known: keysOf(auditLogQuerySchema),
          params: [
            { name: 'tenant', bad: badTenantString },
            { name: 'page', bad: badPage(100_000) },
            { name: 'limit', bad: badPage(100) },
            { name: 'action', bad: fc.oneof(fc.constant(''), tooLong(100)) },
            { name: 'actor', bad: fc.oneof(fc.constant(''), tooLong(255)) },
            { name: 'since', bad: badTimestamp },
            { name: 'until', bad: badTimestamp },
            { name: 'organization', bad: badTenantString },
          ],
          semantic: fc.oneof(
            fc
              .constantFrom(
                'group:default/nobody',
                'group:default/platform',
                'group:default/acme',
              )
              .map(
                (tenant): QueryCase => ({
                  label: 'tenant of no organization',
                  pairs: [['tenant', tenant]],
                  field: 'tenant',
                }),
              ),
            fc
              .constantFrom(
                [PAYMENTS, 'group:default/globex'],
                [LEDGER, 'group:default/acme'],
                ['group:default/globex', 'group:default/acme'],
              )
              .map(
                ([tenant, organization]): QueryCase => ({
                  label: 'tenant of another organization',
                  pairs: [
                    ['organization', organization],
                    ['tenant', tenant],
                  ],
                  field: 'tenant',
                }),
              ),
            fc.tuple(iso, int(1, 86_400_000)).map(
              ([until, before]): QueryCase => ({
                label: 'until before since',
                pairs: [
                  ['tenant', PAYMENTS],
                  ['since', new Date(Date.parse(until) + before).toISOString()],
                  ['until', until],
                ],
                field: 'until',
              }),
            ),
          ),
        },
      });
    },
  },
  'GET /v1/catalog/skus': {
    method: 'get',
    path: () => '/v1/catalog/skus',
    cases: () => {
      const valid = fc
        .record(
          {
            engine: fc.constantFrom(...ENGINE_IDS),
            plan: fc.constantFrom(...PLAN_IDS),
            region: fc.constantFrom(...REGION_IDS),
          },
          { requiredKeys: [] },
        )
        .map(entries);
      return queryCases({
        valid,
        isValid: accepts(skuQuerySchema),
        rules: {
          required: [],
          known: keysOf(skuQuerySchema),
          params: [
            { name: 'engine', bad: badEnumString(ENGINE_IDS) },
            { name: 'plan', bad: badEnumString(PLAN_IDS) },
            { name: 'region', bad: badEnumString(REGION_IDS) },
          ],
        },
      });
    },
  },
};

/**
 * Routes with an id in the path, each with a body it would accept for the seed
 * database or for acme, so that only the id can make them fail.
 */
const ID_ROUTES: {
  name: string;
  method: 'get' | 'post' | 'put';
  path: (id: string) => string;
  body?: object;
  organization?: boolean;
}[] = [
  {
    name: 'PUT /v1/services/{id}',
    method: 'put',
    path: id => `/v1/services/${id}`,
    body: { config: { storageSize: '200Gi' } },
  },
  {
    name: 'POST /v1/services/{id}/scale',
    method: 'post',
    path: id => `/v1/services/${id}/scale`,
    body: { cpu: '4' },
  },
  {
    name: 'POST /v1/services/{id}/backups',
    method: 'post',
    path: id => `/v1/services/${id}/backups`,
    body: {},
  },
  {
    name: 'POST /v1/services/{id}/restore',
    method: 'post',
    path: id => `/v1/services/${id}/restore`,
    body: { backupId: '8f0c3ad2-5d4b-4c61-9d52-1f3b2b7a4e10' },
  },
  {
    name: 'GET /v1/services/{id}/cdc-pipelines',
    method: 'get',
    path: id => `/v1/services/${id}/cdc-pipelines`,
  },
  {
    name: 'POST /v1/services/{id}/cdc-pipelines',
    method: 'post',
    path: id => `/v1/services/${id}/cdc-pipelines`,
    body: { name: 'orders', tables: ['public.orders'] },
  },
  {
    name: 'GET /v1/services/{id}/metrics',
    method: 'get',
    path: id => `/v1/services/${id}/metrics`,
  },
  {
    name: 'POST /v1/organizations/{id}/members',
    method: 'post',
    path: id => `/v1/organizations/${id}/members`,
    body: { principal: 'user:default/newbie', role: 'org-member' },
    organization: true,
  },
  {
    name: 'PUT /v1/organizations/{id}/quotas',
    method: 'put',
    path: id => `/v1/organizations/${id}/quotas`,
    body: {
      tenant: PAYMENTS,
      quota: {
        instances: 5,
        storageGi: 500,
        cpu: 8,
        memoryGi: 16,
        backups: 5,
        cdcPipelines: 5,
      },
    },
    organization: true,
  },
];

/** Path segments that name no database and no organization, some not even decodable. */
const badPathSegment = fc.oneof(
  fc.string({ maxLength: 60, unit: 'grapheme' }).map(encodeURIComponent),
  fc.string({ maxLength: 60 }).map(encodeURIComponent),
  fc.uuid({ version: 4 }),
  fc.constantFrom('%', '%E0%A4%A', '%zz', '%C0%AF', 'abc%', '%FF', '%ED%A0%80'),
);
const decoded = (segment: string) => {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment;
  }
};
const ORGANIZATION_IDS = [
  'acme',
  'globex',
  'group:default/acme',
  'group:default/globex',
];

/** Whether a message names a field: each segment, as sent or JSON-escaped. */
const names = (message: string, field: string) =>
  field
    .split('.')
    .every(
      segment =>
        message.includes(segment) ||
        message.includes(JSON.stringify(segment).slice(1, -1)),
    );

type ErrorBody = {
  error?: {
    code?: string;
    message?: string;
    details?: {
      field?: unknown;
      violations?: { field: string; constraint: string }[];
    };
  };
};

/** Why a response is not a proper refusal, or undefined when it is one. */
function faultOf(
  response: request.Response,
  expectedField: string | undefined,
): string | undefined {
  if (response.status < 400 || response.status >= 500) {
    return `status ${response.status} is not a 4xx`;
  }
  const error = (response.body as ErrorBody).error;
  const code = error?.code as keyof typeof API_ERROR_STATUS | undefined;
  if (!code || !(code in API_ERROR_STATUS)) {
    return `error.code ${code} is not one of the seed's codes`;
  }
  if (API_ERROR_STATUS[code] !== response.status) {
    return `error.code ${code} does not go with status ${response.status}`;
  }
  const message = error?.message;
  if (typeof message !== 'string' || message.length === 0) {
    return 'error.message is missing';
  }
  const details = error?.details;
  if (details && 'field' in details) {
    if (typeof details.field !== 'string' || details.field.length === 0) {
      return `details.field ${JSON.stringify(details.field)} is not a field`;
    }
    if (!names(message, details.field)) {
      return `the message does not name details.field ${details.field}`;
    }
  }
  const fields = (details?.violations ?? []).map(v => v.field);
  const unnamed = fields.find(f => f && !names(message, f));
  if (unnamed) {
    return `the message does not name the violation of ${unnamed}`;
  }
  if (
    expectedField !== undefined &&
    !fields.some(f => f === expectedField || f.startsWith(`${expectedField}.`))
  ) {
    return `no violation names ${expectedField} (named: ${JSON.stringify(
      fields,
    )})`;
  }
  return undefined;
}

const shorten = (text: string, max = 600) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

/** The headers and text that carry a body case. */
function wireFormOf(c: BodyCase): [Record<string, string>, string] {
  switch (c.kind) {
    case 'json':
      return [{ 'Content-Type': 'application/json' }, JSON.stringify(c.value)];
    case 'raw':
      return [c.headers, c.text];
    default:
      return [{ 'Content-Type': 'application/json' }, hugeBodyText(c)];
  }
}

describe('the DBaaS API under malformed requests', () => {
  let knex: Knex;
  let server: Server;
  let stop: () => Promise<void>;
  let auth: string;
  let targets: Targets;
  let requests = 0;
  const started = Date.now();

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    const backend = await startDbaasBackend({
      knex,
      config: { rateLimit: { requestsPerMinute: 1_000_000 } },
    });
    ({ server, stop } = backend);
    auth = backend.as(ROOT);
    const seeded = await request(server)
      .post('/api/dbaas/v1/services')
      .set('Authorization', auth)
      .send(SEED_BODY);
    const backup = await request(server)
      .post(`/api/dbaas/v1/services/${seeded.body.id}/backups`)
      .set('Authorization', auth)
      .send({ description: 'pending, so not restorable' });
    if (seeded.status !== 201 || backup.status !== 201) {
      throw new Error(
        `Could not seed: ${seeded.status} ${JSON.stringify(seeded.body)}, ${
          backup.status
        } ${JSON.stringify(backup.body)}`,
      );
    }
    targets = { serviceId: seeded.body.id, pendingBackupId: backup.body.id };
  });

  afterAll(async () => {
    await stop?.();
    // Figures for whoever tunes RUNS, and the seed to replay this run.
    // eslint-disable-next-line no-console
    console.log(
      `apiFuzz: ${requests} requests in ${(
        (Date.now() - started) /
        1000
      ).toFixed(1)} s, DBAAS_FUZZ_SEED=${SEED}`,
    );
  });

  async function snapshot() {
    const rows = await Promise.all(
      TABLES.map(async table =>
        (await knex(table).select()).map(row => JSON.stringify(row)).sort(),
      ),
    );
    return Object.fromEntries(TABLES.map((table, i) => [table, rows[i]]));
  }

  async function send(route: Route, c: BodyCase | QueryCase) {
    requests += 1;
    const url = `/api/dbaas${route.path(targets)}`;
    if (route.method === 'get') {
      const query = queryStringOf(c as QueryCase);
      return {
        described: `GET ${url}?${query}`,
        response: await request(server)
          .get(`${url}?${query}`)
          .set('Authorization', auth),
      };
    }
    const [headers, text] = wireFormOf(c as BodyCase);
    return {
      described: `${route.method.toUpperCase()} ${url} ${JSON.stringify(
        headers,
      )} ${shorten(text, 300)}`,
      response: await request(server)
        [route.method](url)
        .set('Authorization', auth)
        .set(headers)
        .send(text),
    };
  }

  it.each(Object.keys(ROUTES))(
    '%s refuses every malformed request with a 4xx naming the field, and changes nothing',
    async name => {
      const route = ROUTES[name];
      const before = await snapshot();

      await fc.assert(
        fc.asyncProperty(
          route.cases(targets) as fc.Arbitrary<BodyCase | QueryCase>,
          async c => {
            const { described, response } = await send(route, c);
            const fault = faultOf(response, 'field' in c ? c.field : undefined);
            if (fault) {
              throw new Error(
                `${c.label}: ${described}\n→ ${response.status} ${shorten(
                  JSON.stringify(response.body),
                )}\n${fault}`,
              );
            }
          },
        ),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );

      expect(await snapshot()).toEqual(before);
    },
  );

  it('refuses unknown and undecodable ids in the path with a 4xx, and changes nothing', async () => {
    const before = await snapshot();

    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ID_ROUTES),
        badPathSegment,
        async (route, segment) => {
          if (
            route.organization &&
            ORGANIZATION_IDS.includes(decoded(segment))
          ) {
            return;
          }
          requests += 1;
          const url = `/api/dbaas${route.path(segment)}`;
          const sent = request(server)
            [route.method](url)
            .set('Authorization', auth);
          const response = await (route.body ? sent.send(route.body) : sent);
          const fault = faultOf(response, undefined);
          if (fault) {
            throw new Error(
              `${
                route.name
              } with id ${segment}: ${route.method.toUpperCase()} ${url} ${JSON.stringify(
                route.body ?? '',
              )}\n→ ${response.status} ${shorten(
                JSON.stringify(response.body),
              )}\n${fault}`,
            );
          }
        },
      ),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );

    expect(await snapshot()).toEqual(before);
  });
});
