import { makeValidator } from '@backstage/catalog-model';
import { serviceNameSchema } from '../api/serviceRequests';
import fc from 'fast-check';
import { serviceEntityName } from './serviceEntityName';

const validator = makeValidator();

// Group names as the catalog allows them (lower case, as tenant refs are
// normalised), and database names as the API allows them.
const groupName = fc
  .stringMatching(/^[a-z0-9]([-a-z0-9_.]{0,61}[a-z0-9])?$/)
  .filter(name => validator.isValidEntityName(name));
const namespace = fc.oneof(
  fc.constant('default'),
  fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/),
);
const tenantRef = fc
  .tuple(namespace, groupName)
  .map(([ns, name]) => `group:${ns}/${name}`);
const databaseName = fc
  .stringMatching(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/)
  .filter(name => serviceNameSchema.safeParse(name).success);

describe('serviceEntityName', () => {
  it('reads as the tenant\u2019s group and the database', () => {
    expect(serviceEntityName('group:default/checkout', 'orders')).toEqual({
      namespace: 'default',
      name: 'checkout.orders',
    });
  });

  it('keeps apart names a dash would join', () => {
    const a = serviceEntityName('group:default/checkout-eu', 'orders');
    const b = serviceEntityName('group:default/checkout', 'eu-orders');

    expect(a.name).not.toBe(b.name);
  });

  it('is a valid entity name and namespace for every tenant and database', () => {
    fc.assert(
      fc.property(tenantRef, databaseName, (tenant, database) => {
        const { namespace: ns, name } = serviceEntityName(tenant, database);
        expect(validator.isValidEntityName(name)).toBe(true);
        expect(validator.isValidNamespace(ns)).toBe(true);
        // The database's own name is kept whole, however long the group's.
        expect(name.endsWith(`.${database}`)).toBe(true);
      }),
    );
  });

  it('gives two databases the same entity only when they are the same database', () => {
    // Few letters and long shared prefixes, so that pairs often spell the same
    // characters and the long-name path is taken.
    const prefix = fc.constantFrom('', 'a'.repeat(30), 'a'.repeat(58));
    const group = fc
      .tuple(prefix, fc.stringMatching(/^[ab]([-ab.]{0,4}[ab])?$/))
      .map(([p, rest]) => `${p}${rest}`.slice(-63));
    const database = fc
      .tuple(
        fc.constantFrom('', 'b'.repeat(30)),
        fc.stringMatching(/^[ab]([-ab]{0,4}[ab])?$/),
      )
      .map(([p, rest]) => `${p}${rest}`);
    const pair = fc.tuple(fc.constantFrom('default', 'acme'), group, database);
    // The same letters split differently between group and database.
    const word = fc.stringMatching(/^[ab]{1,3}$/);
    const resplit = fc
      .tuple(fc.constantFrom('default', 'acme'), word, word, word)
      .map(([ns, x, y, z]) => [
        [ns, `${x}-${y}`, z],
        [ns, x, `${y}-${z}`],
      ]);
    const pairs = fc.oneof(fc.tuple(pair, pair), resplit);
    fc.assert(
      fc.property(pairs, ([[nsA, groupA, dbA], [nsB, groupB, dbB]]) => {
        const a = serviceEntityName(`group:${nsA}/${groupA}`, dbA);
        const b = serviceEntityName(`group:${nsB}/${groupB}`, dbB);
        const same = nsA === nsB && groupA === groupB && dbA === dbB;
        expect(`${a.namespace}/${a.name}` === `${b.namespace}/${b.name}`).toBe(
          same,
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('tells apart long groups that share their first characters', () => {
    const group = 'a'.repeat(40);
    const a = serviceEntityName(`group:default/${group}-one`, 'orders');
    const b = serviceEntityName(`group:default/${group}-two`, 'orders');

    expect(a.name).not.toBe(b.name);
    expect(a.name.length).toBeLessThanOrEqual(63);
  });
});
