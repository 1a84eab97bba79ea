import fc from 'fast-check';

/**
 * Generators of malformed requests for the DBaaS API's fuzz test. Every case
 * they make must be refused: a case that a correct API could accept is a bug
 * in these generators, not in the API.
 */

/** A request body, and the field a refusal should name when one is known. */
export type BodyCase =
  | { kind: 'json'; label: string; value: unknown; field?: string }
  | {
      kind: 'raw';
      label: string;
      text: string;
      headers: Record<string, string>;
      field?: string;
    }
  /** A JSON body of `bytes` bytes, over the API's 64kb limit; built when sent. */
  | { kind: 'huge'; label: string; base: unknown; bytes: number };

/** A query string as name/value pairs, and the field a refusal should name. */
export type QueryCase = {
  label: string;
  pairs: [string, string][];
  /** Sent instead of the pairs, for forms URLSearchParams cannot write (`a[b]=c`). */
  raw?: string;
  field?: string;
};

export const queryStringOf = (c: QueryCase) =>
  c.raw ?? new URLSearchParams(c.pairs).toString();

/**
 * The query as Express hands it to a route, for pairs without brackets: one
 * string per name, or an array of strings when the name is repeated.
 */
export function parsedQuery(c: QueryCase): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(queryStringOf(c))) {
    const seen = query[key];
    if (seen === undefined) {
      query[key] = value;
    } else {
      query[key] = Array.isArray(seen) ? [...seen, value] : [seen, value];
    }
  }
  return query;
}

// Values of each JSON type, to put where another type belongs.
const JSON_TYPES = [
  'string',
  'number',
  'boolean',
  'object',
  'array',
  'null',
] as const;
type JsonType = (typeof JSON_TYPES)[number];
const finiteDouble = fc.double({ noNaN: true, noDefaultInfinity: true });
const ofType: Record<JsonType, fc.Arbitrary<unknown>> = {
  string: fc.string({ maxLength: 20 }),
  number: fc.oneof(fc.integer(), finiteDouble),
  boolean: fc.boolean(),
  object: fc.dictionary(
    fc.string({ maxLength: 8 }),
    fc.jsonValue({ maxDepth: 1 }),
    {
      maxKeys: 3,
    },
  ),
  array: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  null: fc.constant(null),
};

/** A JSON value of any type but `type`. */
export const notOfType = (type: JsonType) =>
  fc.oneof(...JSON_TYPES.filter(t => t !== type).map(t => ofType[t]));

/** A string longer than `max`. */
export const tooLong = (max: number) =>
  fc.string({ minLength: max + 1, maxLength: max + 64 });

/** Anything but one of `values`: near misses, other strings, other types. */
export const notOneOf = (values: readonly string[]) =>
  fc.oneof(
    fc.string({ maxLength: 20 }).filter(s => !values.includes(s)),
    fc.constantFrom(...values).map(v => v.toUpperCase()),
    fc.constantFrom(...values).map(v => ` ${v}`),
    fc.constantFrom(...values).map(v => `${v}\u0000`),
    notOfType('string'),
  );

/** A number outside [min, max], or a fraction where an integer belongs. */
export function outOfRange(options: {
  min: number;
  max?: number;
  int?: boolean;
}) {
  const { min, max, int } = options;
  const arbitraries: fc.Arbitrary<number>[] = [
    fc.integer({ min: min - 1_000_000, max: min - 1 }),
    fc.double({ max: min - 1e-3, noNaN: true, noDefaultInfinity: true }),
  ];
  if (max !== undefined) {
    arbitraries.push(
      fc.integer({ min: max + 1, max: max + 1_000_000 }),
      fc.double({ min: max + 1e-3, noNaN: true, noDefaultInfinity: true }),
    );
  }
  if (int) {
    arbitraries.push(
      fc
        .double({ min, max: max ?? 1e6, noNaN: true })
        .filter(n => !Number.isInteger(n)),
    );
  }
  return fc.oneof(...arbitraries);
}

const byteQuantity = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi)$/;
/** Not a Kubernetes binary quantity such as `100Gi`. */
export const badByteQuantity = fc.oneof(
  fc.constantFrom(
    '-5Gi',
    '5GB',
    '5 Gi',
    '5',
    'Gi',
    '5gi',
    '1e3Gi',
    '5.Gi',
    '.5Gi',
    '5Gi ',
    '0x10Gi',
    '5Ei',
    '',
    '\uff15Gi',
  ),
  fc.integer({ min: -100_000, max: -1 }).map(n => `${n}Gi`),
  fc.string({ maxLength: 10 }).filter(s => !byteQuantity.test(s)),
  notOfType('string'),
);

const cpuQuantity = /^([0-9]+m|[0-9]+(\.[0-9]+)?)$/;
/** Not a Kubernetes CPU quantity such as `2`, `0.5` or `500m`. */
export const badCpuQuantity = fc.oneof(
  fc.constantFrom(
    '-1',
    '-500m',
    '1.5m',
    'abc',
    '2 cores',
    '',
    '500mm',
    'm',
    '1,5',
  ),
  fc.string({ maxLength: 10 }).filter(s => !cpuQuantity.test(s)),
  notOfType('string'),
);

/** Not a five-field cron expression: malformed, or a field out of its range. */
export const badCron = fc.oneof(
  fc.constantFrom(
    '* * * *',
    '* * * * * *',
    '',
    'every hour',
    'a b c d e',
    '@daily',
    '0 */6 * *',
    '5-1-2 * * * *',
    // Out of range: minute 0-59, hour 0-23, day 1-31, month 1-12, weekday 0-7.
    '61 * * * *',
    '0 25 * * *',
    '0 0 32 * *',
    '0 0 0 * *',
    '0 0 * 13 *',
    '0 0 * 0 *',
    '0 0 * * 8',
    '*/0 * * * *',
  ),
  notOfType('string'),
);

/** Not a retention such as `14d` or `36h`. */
export const badRetention = fc.oneof(
  fc.constantFrom('0d', '14w', 'd', '14', '-1d', '14 d', '1.5d', '14D', ''),
  notOfType('string'),
);

/** Not an object storage URL such as `s3://bucket/path`. */
export const badDestination = fc.oneof(
  fc.constantFrom(
    'http://bucket/x',
    's3://',
    's3:// bucket',
    'ftp://x',
    'bucket',
    's3:/x',
    '',
  ),
  notOfType('string'),
);

/** Not an IPv4 CIDR such as `10.0.0.0/8`. */
export const badCidr = fc.oneof(
  fc.constantFrom(
    '10.0.0.0/33',
    '256.0.0.0/8',
    '10.0.0.0',
    '::1/128',
    '10.0.0/8',
    '10.0.0.0/-1',
    '10.0.0.0/8 ',
    'a.b.c.d/8',
    '1.2.3.4/',
    '/8',
    '',
  ),
  fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 999 }), {
        minLength: 4,
        maxLength: 4,
      }),
      fc.integer({ min: 0, max: 99 }),
    )
    .filter(([octets, prefix]) => octets.some(o => o > 255) || prefix > 32)
    .map(([octets, prefix]) => `${octets.join('.')}/${prefix}`),
  notOfType('string'),
);

/** Not an ISO 8601 timestamp with an offset. */
export const badTimestamp = fc.oneof(
  fc.constantFrom(
    '2026-13-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-01-01T25:00:00Z',
    '2026-01-01',
    '2026-01-01T00:00:00',
    '2026-01-01 00:00:00Z',
    'yesterday',
    '1700000000',
    '',
  ),
  fc.stringMatching(/^[a-z]{1,12}$/),
);

/** Not an entity reference such as `group:default/payments`. */
export const badEntityRef = fc.oneof(
  fc.constantFrom(
    'payments',
    'group:payments',
    'component:default/payments',
    'group:default/',
    'group:/payments',
    'group:default/pay ments',
    'GROUP:default/payments',
    'group:Default/payments',
    'group:default/payments/x',
    '',
  ),
  fc.constant(`group:default/${'a'.repeat(250)}`),
  notOfType('string'),
);

/** Not a database name (a DNS label of at most 40 characters). */
export const badServiceName = fc.oneof(
  fc.constantFrom('', 'Seed', '1abc', 'abc-', 'a_b', 'ab c', 'caf\u00e9', '-a'),
  fc.constant('a'.repeat(41)),
  tooLong(40),
  fc
    .string({ maxLength: 12 })
    .filter(s => !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(s)),
  notOfType('string'),
);

/** An object key unknown to a schema whose keys are `known`. */
export const unknownKey = (known: readonly string[]) =>
  fc.oneof(
    fc.string({ minLength: 1, maxLength: 20 }).filter(k => !known.includes(k)),
    fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty'),
  );

type Path = readonly string[];

function withValue(base: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) {
    const next = Object.hasOwn(at, key) ? at[key] : undefined;
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      const created = {};
      Object.defineProperty(at, key, {
        value: created,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      at = created;
    } else {
      at = next as Record<string, unknown>;
    }
  }
  // defineProperty, so that a key such as __proto__ becomes a plain own key.
  Object.defineProperty(at, path[path.length - 1], {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return copy;
}

function without(base: unknown, path: Path): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) {
    at = at[key] as Record<string, unknown>;
  }
  delete at[path[path.length - 1]];
  return copy;
}

/** How a body's fields may be broken. */
export type BodyRules = {
  /** Fields that may not be left out. */
  required: Path[];
  /** Each field with values that are wrong for it. */
  fields: { path: Path; bad: fc.Arbitrary<unknown> }[];
  /** Objects of the body (the body itself is `[]`) and their known keys. */
  objects: { path: Path; keys: readonly string[] }[];
  /** Bodies that pass the schema and break a rule the route checks. */
  semantic?: fc.Arbitrary<BodyCase>;
};

/** One change to a valid body that makes it invalid. */
export function brokenBodies(
  valid: fc.Arbitrary<unknown>,
  rules: BodyRules,
): fc.Arbitrary<BodyCase> {
  const field = (path: Path) => path.join('.');
  const mutations: fc.Arbitrary<BodyCase>[] = [
    fc.tuple(valid, fc.constantFrom(...rules.fields)).chain(([base, rule]) =>
      rule.bad.map(
        (value): BodyCase => ({
          kind: 'json',
          label: `bad ${field(rule.path)}`,
          value: withValue(base, rule.path, value),
          field: field(rule.path),
        }),
      ),
    ),
    fc.tuple(valid, fc.constantFrom(...rules.objects)).chain(([base, object]) =>
      fc.tuple(unknownKey(object.keys), fc.jsonValue({ maxDepth: 1 })).map(
        ([key, value]): BodyCase => ({
          kind: 'json',
          label: `unknown key in ${field(object.path) || 'body'}`,
          value: withValue(base, [...object.path, key], value),
          field: field([...object.path, key]),
        }),
      ),
    ),
  ];
  if (rules.required.length > 0) {
    mutations.push(
      fc.tuple(valid, fc.constantFrom(...rules.required)).map(
        ([base, path]): BodyCase => ({
          kind: 'json',
          label: `without ${field(path)}`,
          value: without(base, path),
          field: field(path),
        }),
      ),
    );
  }
  if (rules.semantic) {
    mutations.push(rules.semantic);
  }
  return fc.oneof(...mutations);
}

/** Arbitrary JSON that the route's schema refuses, sent as a JSON body. */
export function arbitraryBodies(
  knownKeys: readonly string[],
  isValid: (value: unknown) => boolean,
): fc.Arbitrary<BodyCase> {
  const key = fc.oneof(
    fc.constantFrom(...knownKeys),
    fc.string({ maxLength: 10 }),
  );
  return fc
    .oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
      fc.constant(null),
    )
    .filter(value => !isValid(value))
    .map(
      (value): BodyCase => ({ kind: 'json', label: 'arbitrary JSON', value }),
    );
}

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const JSON_TYPE: Record<string, string> = {
  'Content-Type': 'application/json',
};

/** Bodies that are not JSON, not declared as JSON, or too large. */
export function malformedBodies(
  valid: fc.Arbitrary<unknown>,
): fc.Arbitrary<BodyCase> {
  const raw = (label: string, text: string, headers = JSON_TYPE): BodyCase => ({
    kind: 'raw',
    label,
    text,
    headers,
  });
  return fc.oneof(
    fc
      .string({ maxLength: 40 })
      // An empty body is no body, which some routes accept.
      .filter(text => text.length > 0 && !parses(text))
      .map(text => raw('not JSON', text)),
    valid
      .map(body => JSON.stringify(body))
      .chain(json =>
        fc
          .integer({ min: 1, max: json.length - 1 })
          .map(end => json.slice(0, end)),
      )
      .filter(text => !parses(text))
      .map(text => raw('truncated JSON', text)),
    fc
      .constantFrom(
        `{'name': 'x'}`,
        '{name: "x"}',
        '{"a": 1,}',
        '{"a": NaN}',
        '{"a": undefined}',
        '{"a": Infinity}',
        '{"a": 01}',
        '{"a": .5}',
        '{"a": +1}',
        '{"a": 0x1}',
        '{"a": "\u0001"}',
        '{"a": 1} {"b": 2}',
        '/* comment */ {}',
        '[1,]',
        '"a string"',
        '42',
        'true',
        'null',
      )
      .map(text => raw('near-JSON', text)),
    fc
      .tuple(
        valid,
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/xml',
          'application/octet-stream',
          'application/merge-patch+json',
          'multipart/form-data; boundary=x',
        ),
      )
      .map(([body, type]) =>
        raw(`sent as ${type}`, JSON.stringify(body), { 'Content-Type': type }),
      ),
    valid.map(body =>
      raw('unsupported charset', JSON.stringify(body), {
        'Content-Type': 'application/json; charset=latin9',
      }),
    ),
    fc
      .tuple(valid, fc.constantFrom('gzip', 'deflate', 'br', 'snappy'))
      .map(([body, encoding]) =>
        raw(`not ${encoding}`, JSON.stringify(body), {
          ...JSON_TYPE,
          'Content-Encoding': encoding,
        }),
      ),
    fc.tuple(valid, fc.integer({ min: 65 * 1024, max: 256 * 1024 })).map(
      ([base, bytes]): BodyCase => ({
        kind: 'huge',
        label: 'over 64kb',
        base,
        bytes,
      }),
    ),
  );
}

/** The text of a `huge` case: the base body padded past `bytes`. */
export const hugeBodyText = (c: Extract<BodyCase, { kind: 'huge' }>) =>
  JSON.stringify({ ...(c.base as object), padding: 'x'.repeat(c.bytes) });

/** How a query's parameters may be broken. */
export type QueryRules = {
  /** Parameters that may not be left out. */
  required: string[];
  /** Each parameter with values that are wrong for it. */
  params: { name: string; bad: fc.Arbitrary<string> }[];
  known: readonly string[];
  /** Queries that pass the schema and break a rule the route checks. */
  semantic?: fc.Arbitrary<QueryCase>;
};

// Names Express would read as nested objects, or as Object.prototype's.
const plainName = (name: string) =>
  name.length > 0 && !/[[\]]/.test(name) && !(name in Object.prototype);

/** One change to a valid query that makes it invalid. */
export function brokenQueries(
  valid: fc.Arbitrary<[string, string][]>,
  rules: QueryRules,
): fc.Arbitrary<QueryCase> {
  const others = (pairs: [string, string][], name: string) =>
    pairs.filter(([key]) => key !== name);
  const mutations: fc.Arbitrary<QueryCase>[] = [
    fc.tuple(valid, fc.constantFrom(...rules.params)).chain(([pairs, param]) =>
      param.bad.map(
        (value): QueryCase => ({
          label: `bad ${param.name}`,
          pairs: [...others(pairs, param.name), [param.name, value]],
          field: param.name,
        }),
      ),
    ),
    fc
      .tuple(
        valid,
        fc.constantFrom(...rules.params),
        fc.array(fc.string({ maxLength: 8 }), { minLength: 2, maxLength: 3 }),
      )
      .map(
        ([pairs, param, values]): QueryCase => ({
          label: `${param.name} repeated`,
          pairs: [
            ...others(pairs, param.name),
            ...values.map((v): [string, string] => [param.name, v]),
          ],
          field: param.name,
        }),
      ),
    fc
      .tuple(
        valid,
        fc.constantFrom(...rules.params),
        fc.stringMatching(/^[a-z]{1,6}$/),
      )
      .map(([pairs, param, key]): QueryCase => {
        const rest = new URLSearchParams(others(pairs, param.name)).toString();
        return {
          label: `${param.name} as an object`,
          pairs: [],
          raw: `${rest}${rest ? '&' : ''}${param.name}[${key}]=x`,
          field: param.name,
        };
      }),
    fc
      .tuple(
        valid,
        unknownKey(rules.known).filter(plainName),
        fc.string({ maxLength: 10 }),
      )
      .map(
        ([pairs, name, value]): QueryCase => ({
          label: 'unknown parameter',
          pairs: [...pairs, [name, value]],
          field: name,
        }),
      ),
  ];
  if (rules.required.length > 0) {
    mutations.push(
      fc.tuple(valid, fc.constantFrom(...rules.required)).map(
        ([pairs, name]): QueryCase => ({
          label: `without ${name}`,
          pairs: others(pairs, name),
          field: name,
        }),
      ),
    );
  }
  if (rules.semantic) {
    mutations.push(rules.semantic);
  }
  return fc.oneof(...mutations);
}

/** Arbitrary parameters that the route's schema refuses. */
export function arbitraryQueries(
  known: readonly string[],
  isValid: (query: Record<string, string | string[]>) => boolean,
): fc.Arbitrary<QueryCase> {
  const name = fc.oneof(
    fc.constantFrom(...known),
    fc.string({ minLength: 1, maxLength: 10 }).filter(plainName),
  );
  const value = fc.oneof(
    fc.string({ maxLength: 50 }),
    fc.integer().map(String),
    fc.stringMatching(/^[a-z]{1,12}$/),
  );
  return fc
    .array(fc.tuple(name, value), { maxLength: 6 })
    .map((pairs): QueryCase => ({ label: 'arbitrary parameters', pairs }))
    .filter(c => !isValid(parsedQuery(c)));
}
