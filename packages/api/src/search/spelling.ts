/**
 * Query spelling correction against the catalog's own vocabulary (`catalog_terms`, every word of
 * the search read model): each query word the catalog does not contain is replaced by the most
 * similar word it does contain (pg_trgm similarity above the extension's threshold, 0.3). Title
 * typos were already tolerated through trigram word similarity on the title; this covers words
 * that only descriptions carry ("cottn" → "cotton").
 */
import type { CoreTx } from "@agora/db";

/** Words worth correcting: letters only, not websearch syntax, not too short to judge. */
const WORD = /[\p{L}]{3,40}/gu;
const OPERATORS = new Set(["or", "and", "not"]);

type Reader = Pick<CoreTx, "$queryRawUnsafe">;

/** The query with every unknown word corrected, or null when every word is known (or unfixable). */
export async function correctQuery(db: Reader, q: string): Promise<string | null> {
  const words = [...new Set((q.toLowerCase().match(WORD) ?? []).filter((w) => !OPERATORS.has(w)))];
  if (words.length === 0) return null;
  const rows = await db.$queryRawUnsafe<{ asked: string; known: string | null }[]>(
    `SELECT q.w AS asked,
            (SELECT word FROM catalog_terms WHERE word % q.w
              ORDER BY similarity(word, q.w) DESC, word LIMIT 1) AS known
       FROM unnest($1::text[]) AS q(w)`,
    words,
  );
  const fixes = new Map(
    rows.filter((r) => r.known !== null && r.known !== r.asked).map((r) => [r.asked, r.known!]),
  );
  if (fixes.size === 0) return null;
  return q.toLowerCase().replace(WORD, (w) => fixes.get(w) ?? w);
}
