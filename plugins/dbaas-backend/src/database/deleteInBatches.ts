import type { Knex } from 'knex';

/**
 * Deletes the rows of `table` that `where` selects, oldest `key` first,
 * `batchSize` at a time: each batch is a statement of its own, so that no
 * statement holds its locks for long on a big table, and a pass stopped
 * midway leaves whole batches behind. Resolves to how many rows went.
 * (knex has no batched delete; PostgreSQL and SQLite both take `IN` over a
 * limited subquery.)
 */
export async function deleteInBatches(
  db: Knex,
  table: string,
  key: string,
  where: (query: Knex.QueryBuilder) => void,
  batchSize = 1000,
): Promise<number> {
  let total = 0;
  for (;;) {
    const batch = db(table)
      .select(key)
      .where(where)
      .orderBy(key)
      .limit(batchSize);
    const deleted = await db(table).whereIn(key, batch).delete();
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
