/**
 * A list with what this page added first, until the list has them too: what
 * someone asked for shows at once, before any reload lists it, and once the
 * list has it the listed copy (with its newer status) wins.
 */
export function withAdded<T>(
  added: T[],
  listed: T[] | undefined,
  same: (a: T, b: T) => boolean,
): T[] {
  if (!listed) return added;
  return [...added.filter(a => !listed.some(l => same(a, l))), ...listed];
}
