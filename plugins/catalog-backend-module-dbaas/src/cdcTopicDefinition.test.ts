import { Parser } from '@asyncapi/parser';
import {
  engineCdc,
  type EngineId,
} from '@internal/backstage-plugin-dbaas-common';
import {
  cdcTopicDefinition,
  hasCdcTopicDefinition,
  type CdcTopicSource,
} from './cdcTopicDefinition';

const ORDERS: CdcTopicSource = {
  database: 'ledger',
  pipeline: 'orders',
  table: 'public.orders',
  topic: 'dbaas.cdc.postgresql.payments.public.orders',
};

describe('cdcTopicDefinition', () => {
  // The parser the api-docs plugin's AsyncAPI widget renders with
  // (@asyncapi/react-component), bindings and references included.
  it('is an AsyncAPI 3.0 document the api-docs widget\u2019s parser takes without an error', async () => {
    const definition = cdcTopicDefinition('postgresql', ORDERS);

    const { document, diagnostics } = await new Parser().parse(definition);

    expect(diagnostics.filter(d => d.severity === 0)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    const [channel] = document!.channels().all();
    expect(channel.address()).toBe(ORDERS.topic);
    expect(
      channel
        .messages()
        .all()
        .map(m => m.name()),
    ).toEqual(['change', 'tombstone']);
    expect(document!.operations().all()[0].action()).toBe('send');
  });

  it('describes the message as Debezium\u2019s change event, keyed by the primary key', () => {
    const document = JSON.parse(cdcTopicDefinition('postgresql', ORDERS));
    const { messages, schemas } = document.components;

    expect(document.channels.changes.address).toBe(ORDERS.topic);
    const event = schemas.changeEvent;
    expect(event.required).toEqual([
      'before',
      'after',
      'source',
      'op',
      'ts_ms',
    ]);
    expect(event.properties.op.enum).toEqual(['r', 'c', 'u', 'd']);
    expect(event.properties.op.description).toMatch(
      /`r` read: a row of the snapshot.*`c` create: an insert.*`u` update.*`d` delete/,
    );
    // The columns are the table's, which the portal does not know.
    for (const row of [event.properties.before, event.properties.after]) {
      expect(row).toMatchObject({
        type: ['object', 'null'],
        additionalProperties: true,
      });
      expect(row.description).toMatch(/portal does not know/);
    }
    expect(messages.change.bindings.kafka.key).toMatchObject({
      additionalProperties: true,
      description: expect.stringMatching(/primary key/),
    });
    expect(messages.tombstone.payload).toEqual({ type: 'null' });
  });

  it('gives the source block of Debezium\u2019s PostgreSQL connector, with this table', () => {
    const { source } = JSON.parse(cdcTopicDefinition('postgresql', ORDERS))
      .components.schemas;

    expect(source.required).toEqual([
      'version',
      'connector',
      'name',
      'ts_ms',
      'db',
      'schema',
      'table',
      'txId',
      'lsn',
    ]);
    expect(source.properties).toMatchObject({
      connector: { const: 'postgresql' },
      // The connector's topic.prefix, as the operator sets it.
      name: { const: 'dbaas.cdc.postgresql.payments' },
      schema: { const: 'public' },
      table: { const: 'orders' },
    });
  });

  it('tells consumers about tombstones, at-least-once delivery and how to deduplicate', () => {
    const { info } = JSON.parse(cdcTopicDefinition('postgresql', ORDERS));

    expect(info.title).toBe(ORDERS.topic);
    expect(info.description).toContain(
      'written by its CDC pipeline **orders**',
    );
    expect(info.description).toMatch(/followed by a \*\*tombstone\*\*/);
    expect(info.description).toMatch(/\*\*at least once\*\*/);
    expect(info.description).toContain('the key and `source.lsn`');
  });

  it('exists for exactly the engines whose pipelines the platform runs', () => {
    const engines = Object.keys(engineCdc) as EngineId[];

    expect(engines.filter(hasCdcTopicDefinition)).toEqual(
      engines.filter(engine => engineCdc[engine].available),
    );
    expect(() => cdcTopicDefinition('dragonfly', ORDERS)).toThrow(
      'The platform runs no CDC pipeline of dragonfly',
    );
  });
});
