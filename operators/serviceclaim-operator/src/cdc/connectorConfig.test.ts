import { claimBody } from '../__testUtils__/claimBody';
import type { ClaimObject } from '../render/types';
import {
  claimTenant,
  cnpgEndpoint,
  connectorConfig,
  secretReferenceFrom,
} from './connectorConfig';
import {
  CDC_GROUPS_REPORTED,
  cdcNotConfigured,
  mostBehind,
  pipelineState,
  traceMessage,
} from './reconcileCdc';
import { STRIMZI_SECRET_REFERENCE } from '../configFromEnv';

const settings = {
  secretReference: secretReferenceFrom(STRIMZI_SECRET_REFERENCE),
  endpoint: cnpgEndpoint,
};

function claimWith(sku: string, tables: string[]): ClaimObject {
  return claimBody('tenant-acme', 'ledger', {
    sku,
    edit: spec => {
      spec.cdc = { pipelines: [{ name: 'order-lines', tables }] };
    },
  }) as unknown as ClaimObject;
}

describe('connectorConfig', () => {
  it("registers Debezium's PostgreSQL connector on the claim's CloudNativePG primary", () => {
    const claim = claimWith('pg-shared', ['public.orders', 'billing.invoices']);
    expect(
      connectorConfig(claim, 'acme', claim.spec.cdc!.pipelines[0], settings),
    ).toEqual({
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'tasks.max': '1',
      'plugin.name': 'pgoutput',
      'database.hostname': 'ledger-rw.tenant-acme.svc',
      'database.port': '5432',
      'database.user': 'dbaas_cdc',
      'database.password': '${secrets:tenant-acme/ledger-cdc:password}',
      'database.dbname': 'app',
      'slot.name': 'dbaas_cdc_order_lines',
      'publication.name': 'dbaas_cdc_order_lines',
      'publication.autocreate.mode': 'filtered',
      'table.include.list': 'public\\.orders,billing\\.invoices',
      'snapshot.mode': 'initial',
      'topic.prefix': 'dbaas.cdc.postgresql.acme',
      'heartbeat.interval.ms': '10000',
      'poll.interval.ms': '100',
      transforms: 'deadLetters',
      'transforms.deadLetters.type':
        'dbaas.connect.transforms.DeadLetterOversized',
      'transforms.deadLetters.topic':
        'dbaas.cdc.postgresql.acme.dlq-ledger-order-lines',
      'errors.tolerance': 'none',
      'errors.log.enable': 'true',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'false',
    });
  });

  it('has none for an engine the platform offers no CDC for', () => {
    const claim = claimWith('vt-shared', ['commerce.orders']);
    expect(
      connectorConfig(claim, 'acme', claim.spec.cdc!.pipelines[0], settings),
    ).toBeUndefined();
  });

  it("takes the tenant from the claim's namespace only", () => {
    expect(claimTenant(claimWith('pg-shared', ['public.a']))).toBe('acme');
    const elsewhere = claimWith('pg-shared', ['public.a']);
    elsewhere.metadata.namespace = 'kube-system';
    expect(claimTenant(elsewhere)).toBeUndefined();
  });
});

describe('pipelineState', () => {
  it("reads Connect's states, and a failure's reason without the stack", () => {
    expect(pipelineState(undefined)).toEqual({ state: 'pending' });
    expect(
      pipelineState({
        name: 'x',
        connector: { state: 'RUNNING' },
        tasks: [{ id: 0, state: 'RUNNING' }],
      }),
    ).toEqual({ state: 'running' });
    expect(
      pipelineState({ name: 'x', connector: { state: 'RUNNING' }, tasks: [] }),
    ).toEqual({ state: 'pending' });
    expect(
      pipelineState({
        name: 'x',
        connector: { state: 'PAUSED' },
        tasks: [{ id: 0, state: 'PAUSED' }],
      }),
    ).toEqual({ state: 'paused' });
    expect(
      pipelineState({
        name: 'x',
        connector: { state: 'RUNNING' },
        tasks: [
          {
            id: 0,
            state: 'FAILED',
            trace:
              'org.apache.kafka.connect.errors.ConnectException: Unable to connect\n\tat a.b(C.java:1)\nCaused by: org.postgresql.util.PSQLException: FATAL: password authentication failed\n\tat d.e(F.java:2)\n\t... 5 more',
          },
        ],
      }),
    ).toEqual({
      state: 'failed',
      message:
        'org.apache.kafka.connect.errors.ConnectException: Unable to connect — org.postgresql.util.PSQLException: FATAL: password authentication failed',
    });
  });

  it('keeps a multi-line exception message whole', () => {
    expect(traceMessage('E: first\nsecond part\n\tat x(Y.java:1)')).toBe(
      'E: first — second part',
    );
  });
});

describe('cdcNotConfigured', () => {
  it('fails the pipelines of the primary PoP that has no Kafka Connect, saying so', () => {
    const claim = claimWith('pg-shared', ['public.orders']);
    const here = { pop: claim.spec.region, platformNamespaces: [] };
    expect(cdcNotConfigured(here, claim)).toEqual([
      {
        name: 'order-lines',
        connector: 'dbaas.tenant-acme.ledger.order-lines',
        topics: ['dbaas.cdc.postgresql.acme.public.orders'],
        deadLetterTopic: 'dbaas.cdc.postgresql.acme.dlq-ledger-order-lines',
        state: 'failed',
        message: `The ServiceClaim operator in ${claim.spec.region} has no Kafka Connect to run CDC pipelines on (its chart's cdc.kafkaConnectUrl is unset)`,
      },
    ]);
    const elsewhere = { pop: 'singapore', platformNamespaces: [] };
    expect(cdcNotConfigured(elsewhere as never, claim)).toBeUndefined();
  });
});

describe('mostBehind', () => {
  it('keeps the groups furthest behind that the status has room for, in name order', () => {
    const groups = Array.from({ length: 60 }, (_, i) => ({
      group: `tenant-acme.g${String(i).padStart(2, '0')}`,
      lag: i,
    }));
    const kept = mostBehind([
      ...groups,
      { group: `tenant-acme.${'x'.repeat(250)}`, lag: 1_000 },
    ]);
    expect(kept).toHaveLength(CDC_GROUPS_REPORTED);
    expect(kept[0]).toEqual({ group: 'tenant-acme.g10', lag: 10 });
    expect(kept[kept.length - 1]).toEqual({
      group: 'tenant-acme.g59',
      lag: 59,
    });
  });
});
