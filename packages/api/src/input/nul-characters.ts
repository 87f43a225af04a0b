/**
 * Postgres text cannot hold U+0000: a NUL byte that reaches a query fails it (SQLSTATE 22021)
 * with a 500. Every procedure's raw input is checked once, at the API boundary (trpc.ts), so no
 * schema or handler has to remember it.
 */

/** Depth beyond which nested input is not scanned; no procedure input nests this deep. */
const MAX_DEPTH = 32;

/** True when any string (or object key) anywhere in `value` contains a NUL character. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (depth > MAX_DEPTH || typeof value !== "object" || value === null) return false;
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  return Object.entries(value).some(([k, v]) => k.includes("\u0000") || containsNul(v, depth + 1));
}
