/**
 * Runs the analytics batch by hand and shows its progress:
 *   npx tsx apps/workers/src/analytics/reconcile-cli.ts --days 7
 *   npx tsx apps/workers/src/analytics/reconcile-cli.ts --from 2026-11-01 --to 2026-11-08 [--json]
 * Exit code 0 when the rollups were right, 3 when differences were found (and repaired).
 */
import { parseArgs } from "node:util";
import { recentDays } from "@agora/api/analytics";
import { closeAll } from "@agora/db";
import { z } from "zod";
import { reconcile } from "./reconcile.ts";

const argsSchema = z
  .object({
    days: z.coerce.number().int().positive().max(366).optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    json: z.boolean().default(false),
  })
  .refine((a) => (a.from ? Boolean(a.to) : !a.to), "give --from and --to together, or --days");

const { values } = parseArgs({
  options: {
    days: { type: "string" },
    from: { type: "string" },
    to: { type: "string" },
    json: { type: "boolean" },
  },
});
const parsed = argsSchema.safeParse(values);
if (!parsed.success) {
  process.stderr.write(`reconcile: ${parsed.error.issues[0]?.message}\n`);
  process.exit(2);
}
const args = parsed.data;
const range =
  args.from && args.to ? { from: args.from, to: args.to } : recentDays(new Date(), args.days ?? 2);

const result = await reconcile({
  trigger: "manual",
  ...range,
  onProgress: (p) => {
    if (args.json) return;
    const width = 30;
    const filled = Math.round((width * p.daysDone) / p.daysTotal);
    process.stderr.write(
      `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${p.daysDone}/${p.daysTotal} ` +
        `${p.day.toISOString().slice(0, 10)} · differences so far: ${p.differences}\n`,
    );
  },
});
await closeAll();
if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else
  process.stdout.write(
    `run ${result.runId}: ${result.status} · ${result.from.toISOString().slice(0, 10)} → ` +
      `${result.to.toISOString().slice(0, 10)} · ${result.eventsRead} order events, ` +
      `${result.viewsRead} views, ${result.bucketsCompared} buckets, ` +
      `${result.differences.length} differences\n`,
  );
process.exit(result.status === "clean" ? 0 : 3);
