/**
 * What no response may carry: database and driver text, Prisma codes, stack frames, file paths.
 * Checked on every body the fuzz suite gets back, successes included.
 */
export const INTERNALS: readonly [string, RegExp][] = [
  ["Prisma", /prisma/i],
  ["SQLSTATE", /sqlstate/i],
  ["Prisma error code", /\bP[1-6]\d{3}\b/],
  [
    "Postgres error text",
    /invalid input syntax|violates (?:unique|foreign key|check) constraint|out of range for type|relation "\w+" does not exist|syntax error at or near/i,
  ],
  ["stack frame", /^\s*at .+[:(]\d+:\d+\)?$|\bat (?:async )?[\w.<>$]+ \([^)]*:\d+:\d+\)/m],
  ["file path", /(?:\/(?:work|srv|home|root|tmp|usr)\/[\w.@+-]+\/|node_modules|\.tsx?:\d+)/],
];

/** The first kind of internal detail `body` shows, or null. */
export function internalDetailIn(body: string): string | null {
  for (const [name, pattern] of INTERNALS) {
    const m = pattern.exec(body);
    if (m) return `${name}: …${body.slice(Math.max(0, m.index - 60), m.index + 80)}…`;
  }
  return null;
}
