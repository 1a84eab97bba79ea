import type { Knex } from 'knex';

/**
 * Keeps the rows whose column holds one of the values, with one bound
 * parameter however many values there are: the query stays one statement for
 * an organization of 10,000 tenants, where an IN list would pass SQLite's
 * limit on parameters and make PostgreSQL parse a parameter per value. As the
 * catalog backend reads entities by ref: an array on PostgreSQL, a JSON array
 * on SQLite. Both use the column's index.
 */
export function whereAnyOf<Q extends Knex.QueryBuilder>(
  query: Q,
  column: string,
  values: string[],
): Q {
  return (
    query.client.config.client === 'pg'
      ? query.whereRaw('?? = any(?::text[])', [column, values])
      : query.whereRaw('?? in (select value from json_each(?))', [
          column,
          JSON.stringify(values),
        ])
  ) as Q;
}
