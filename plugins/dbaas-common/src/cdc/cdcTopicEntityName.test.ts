import { makeValidator } from '@backstage/catalog-model';
import fc from 'fast-check';
import { cdcTableSchema } from './cdcPipelineSchema';
import { cdcTopicEntityName } from './cdcTopicEntityName';
import { cdcTopic } from './cdcTopics';

const validator = makeValidator();

// Tables as a claim allows them (cdcTableSchema), tenants' slugs as
// tenantSlug makes them: the parts of every topic the portal names.
const tablePart = fc.stringMatching(/^[A-Za-z0-9_]{1,63}$/);
const table = fc
  .array(tablePart, { minLength: 1, maxLength: 3 })
  .map(parts => parts.join('.'))
  .filter(t => cdcTableSchema.safeParse(t).success);
const slug = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,54}[a-z0-9])?$/);
const engine = fc.constantFrom(
  'postgresql',
  'yugabyte',
  'mongodb',
) as fc.Arbitrary<'postgresql' | 'yugabyte' | 'mongodb'>;
const topic = fc
  .tuple(engine, slug, table)
  .map(([e, s, t]) => cdcTopic(e, s, t));

/** The catalog compares references without case. */
const key = ({ namespace, name }: { namespace: string; name: string }) =>
  `${namespace}/${name}`.toLowerCase();

describe('cdcTopicEntityName', () => {
  it('is the topic itself when the catalog can take it, in the tenant\u2019s namespace', () => {
    expect(
      cdcTopicEntityName(
        'group:default/payments',
        'dbaas.cdc.postgresql.payments.public.orders',
      ),
    ).toEqual({
      namespace: 'default',
      name: 'dbaas.cdc.postgresql.payments.public.orders',
    });
    expect(
      cdcTopicEntityName(
        'group:acme/payments',
        'dbaas.cdc.postgresql.acme-payments.public.orders',
      ).namespace,
    ).toBe('acme');
  });

  it('cuts a long topic to fit, keeping its table', () => {
    const long = cdcTopic(
      'postgresql',
      'payments-and-settlements-europe',
      'accounting.general_ledger_entries_archive_2026',
    );
    const { name } = cdcTopicEntityName('group:default/payments', long);

    expect(long.length).toBeGreaterThan(63);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(
      /^[-a-z.]*\.accounting\.general_ledger_entries_archive_2026-[0-9a-f]{8}$/,
    );
    expect(validator.isValidEntityName(name)).toBe(true);
  });

  it('keeps apart tables whose names differ only in case', () => {
    const lower = cdcTopicEntityName(
      'group:default/payments',
      'dbaas.cdc.postgresql.payments.public.orders',
    );
    const upper = cdcTopicEntityName(
      'group:default/payments',
      'dbaas.cdc.postgresql.payments.public.Orders',
    );

    expect(key(lower)).not.toBe(key(upper));
    expect(upper.name).toMatch(
      /^postgresql\.payments\.public\.orders-[0-9a-f]{8}$/,
    );
  });

  it('gives a table ending on an underscore a valid name', () => {
    const { name } = cdcTopicEntityName(
      'group:default/payments',
      'dbaas.cdc.postgresql.payments.public.orders_',
    );

    expect(validator.isValidEntityName(name)).toBe(true);
  });

  it('is a valid entity name for every topic', () => {
    fc.assert(
      fc.property(topic, t => {
        const { name } = cdcTopicEntityName('group:default/payments', t);
        expect(validator.isValidEntityName(name)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives two topics the same entity only when they are the same topic', () => {
    // Few letters of both cases around long shared runs, so that pairs often
    // differ only in case, or only before the cut (their tenant, the start
    // of their table), and take the cut path.
    const run = fc.constantFrom('', 'a'.repeat(20), 'a'.repeat(58));
    const few = fc.stringMatching(/^[aAbB_]{1,3}$/);
    const close = fc
      .tuple(
        fc.constantFrom('aa', 'a-a'),
        few,
        run,
        few,
        fc.constantFrom('', '.b', '.B'),
      )
      .map(([tenant, head, middle, end, tail]) =>
        cdcTopic('postgresql', tenant, `public.${head}${middle}${end}${tail}`),
      )
      .filter(
        t => cdcTableSchema.safeParse(t.split('.').slice(4).join('.')).success,
      );
    fc.assert(
      fc.property(
        fc.oneof(fc.tuple(close, close), fc.tuple(topic, topic)),
        ([a, b]) => {
          const same =
            key(cdcTopicEntityName('group:default/x', a)) ===
            key(cdcTopicEntityName('group:default/x', b));
          expect(same).toBe(a === b);
        },
      ),
      { numRuns: 5000 },
    );
  });
});
