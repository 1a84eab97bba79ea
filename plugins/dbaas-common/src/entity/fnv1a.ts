/**
 * FNV-1a, 32 bits, as 8 hex digits: a short, stable hash for the entity names
 * that must be cut to fit the catalog's 63 characters. It keeps apart the few
 * names that share a cut prefix, and it runs in the browser too (this package
 * is shared), where node:crypto does not.
 */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
