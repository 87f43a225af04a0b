/**
 * Generated bad input (fast-check): the values an attacker or a broken client sends instead of
 * what a procedure expects: wrong types, out-of-range and non-finite numbers, NUL characters and
 * lone surrogates, huge strings, injection-looking text, tampered keyset cursors, and objects with
 * the procedure's own keys filled with all of those (so checks past the first field run too).
 */
import fc from "fast-check";

/** Strings no well-behaved client sends. */
const nastyStrings = fc.constantFrom(
  "",
  " ",
  "\u0000",
  "cot\u0000ton",
  "\uD800",
  "a\uDC00b",
  "\uDBFF\uDFFF\uD800",
  "\uFFFE\uFFFF",
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  "../../../../etc/passwd",
  "%00%2e%2e%2f",
  "${7*7}{{7*7}}",
  "<script>alert(1)</script>",
  '=HYPERLINK("http://x")',
  "1e400",
  "99999999999999999999999999999999",
  "-1",
  "-0",
  "NaN",
  "Infinity",
  "null",
  "__proto__",
  "constructor",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "2026-02-30T25:61:61Z",
);

const numbers = fc.oneof(
  fc.constantFrom(-1, 0, 1, -0, 0.5, 1e12, -1e12, 2 ** 31, 2 ** 53 + 1, 1e308, -1e308, 5e-324),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Strings long enough to pass any sane limit; a GET's URL holds fewer (servers cap headers). */
const hugeString = (maxLength: number) =>
  fc
    .tuple(
      fc.integer({ min: 1_000, max: maxLength }),
      fc.constantFrom("x", "9", "é", "\u0000", "😀"),
    )
    .map(([n, c]) => c.repeat(Math.ceil(n / c.length)));

const unicodeText = fc.string({ unit: "binary", maxLength: 40 });

/** A keyset cursor as the API makes them (base64url JSON), with tampered fields. */
export const tamperedCursor = fc
  .record({
    s: fc.oneof(
      fc.constantFrom("name", "price_asc", "price_desc", "relevance", "newest"),
      unicodeText,
    ),
    d: fc.oneof(fc.constantFrom("after", "before"), unicodeText),
    v: fc.oneof(numbers, nastyStrings, unicodeText, fc.constant(null), fc.constant({})),
    id: fc.oneof(fc.uuid(), nastyStrings),
  })
  .map((c) => Buffer.from(JSON.stringify(c)).toString("base64url"));

const brokenCursor = fc.oneof(
  tamperedCursor,
  fc.constantFrom("", "=", "!!!", "eyJ", "bnVsbA", Buffer.from("[]").toString("base64url")),
);

const scalar = (maxString: number) =>
  fc.oneof(
    { weight: 4, arbitrary: nastyStrings },
    { weight: 3, arbitrary: numbers },
    { weight: 2, arbitrary: unicodeText },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: brokenCursor },
    { weight: 1, arbitrary: hugeString(maxString) },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
  );

/** Any JSON value with bad leaves, a few levels deep. */
export const badValue = (maxString: number): fc.Arbitrary<unknown> =>
  fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { weight: 6, arbitrary: scalar(maxString) },
      { weight: 1, arbitrary: fc.array(tie("value"), { maxLength: 4 }) },
      {
        weight: 1,
        arbitrary: fc.dictionary(fc.oneof(fc.string(), nastyStrings), tie("value"), { maxKeys: 3 }),
      },
    ),
  })).value;

/** What an input schema looks like from outside: its object keys, nested objects and enums. */
export type InputShape =
  | { kind: "object"; keys: Record<string, InputShape> }
  | { kind: "enum"; options: unknown[] }
  | { kind: "array"; item: InputShape }
  | { kind: "leaf" };

/** Bad input for a procedure of `shape`: mostly its own keys with bad values, sometimes anything. */
export function badInput(shape: InputShape | null, maxString: number): fc.Arbitrary<unknown> {
  const anything = badValue(maxString);
  if (!shape) return anything;
  return fc.oneof(
    { weight: 1, arbitrary: anything },
    { weight: 4, arbitrary: shaped(shape, maxString, 0) },
  );
}

function shaped(shape: InputShape, maxString: number, depth: number): fc.Arbitrary<unknown> {
  const bad = depth > 2 ? scalar(maxString) : badValue(maxString);
  switch (shape.kind) {
    case "enum":
      return fc.oneof(fc.constantFrom(...shape.options), bad);
    case "array":
      return fc.oneof(
        fc.array(shaped(shape.item, maxString, depth + 1), { maxLength: 3 }),
        // Far more items than any list input allows.
        fc.integer({ min: 200, max: 2_000 }).map((n) => Array.from({ length: n }, () => "x")),
        bad,
      );
    case "object": {
      const entries = Object.entries(shape.keys);
      if (entries.length === 0) return bad;
      const fields = Object.fromEntries(
        entries.map(([k, s]) => [k, fc.oneof(shaped(s, maxString, depth + 1), bad)]),
      );
      return fc.oneof(
        { weight: 4, arbitrary: fc.record(fields, { requiredKeys: [] }) },
        { weight: 1, arbitrary: bad },
      );
    }
    case "leaf":
      return bad;
  }
}

/**
 * Edge values every key of every procedure gets at least once (the generated inputs hit a key's
 * value only by chance): the ones that once reached a query (NUL, int overflow, huge numbers).
 */
export function edgeValues(maxString: number): unknown[] {
  return [
    // First the values that once reached a query; a query's keys get these four at least.
    "\u0000",
    "9".repeat(32),
    Buffer.from(JSON.stringify({ s: "name", d: "after", v: 1e15, id: "x" })).toString("base64url"),
    1e12,
    2 ** 31,
    "a\uD800",
    -1,
    1e308,
    "x".repeat(Math.min(maxString, 20_000)),
    "",
    null,
    [],
    {},
  ];
}

/** Paths to every key of an object shape (nested objects included), e.g. ["address", "city"]. */
export function keyPaths(shape: InputShape | null, prefix: string[] = []): string[][] {
  if (!shape || shape.kind !== "object") return [];
  return Object.entries(shape.keys).flatMap(([k, s]) => [
    [...prefix, k],
    ...keyPaths(s, [...prefix, k]),
  ]);
}

/** An object with `value` at `path` and nothing else. */
export function withValueAt(path: string[], value: unknown): unknown {
  return path.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value);
}
