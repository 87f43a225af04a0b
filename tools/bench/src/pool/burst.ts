/**
 * `tsx tools/bench/src/pool/burst.ts [--transactions N] [--concurrency C] [--legacy]`: a burst of
 * placement-shaped transactions (BEGIN, four statements, COMMIT) on core's primary from a cold
 * pool of this process, as one storefront instance meets a checkout burst (HAProxy hands it at
 * most 16 requests at once). Prints errors and latency (pool wait included). `--legacy` runs the
 * pool as it was before pool-growth.ts: every waiting caller opens its own connection, nothing
 * warmed, 2 s connect timeout. Needs the topology's database environment (`npm run infra:env`).
 */
import { parseArgs } from "node:util";
import { closeAll, configureDb, core } from "@agora/db";
import { summarise } from "../report/stats.ts";

const { values } = parseArgs({
  options: {
    transactions: { type: "string", default: "200" },
    concurrency: { type: "string", default: "16" },
    legacy: { type: "boolean", default: false },
  },
});
const total = Number(values.transactions);
const concurrency = Number(values.concurrency);
if (values.legacy) configureDb({ pool: { maxOpening: 10, warmConnections: 0, connectionTimeoutMillis: 2000 } });

const ms: number[] = [];
const errors = new Map<string, number>();
let next = 0;
const t0 = Date.now();
await Promise.all(
  Array.from({ length: concurrency }, async () => {
    while (next < total) {
      next++;
      const started = performance.now();
      try {
        await core().primary.$transaction(async (tx) => {
          for (let i = 0; i < 4; i++) await tx.$queryRaw`select 1`;
        });
        ms.push(performance.now() - started);
      } catch (err) {
        const k = (err as Error).message.slice(0, 100);
        errors.set(k, (errors.get(k) ?? 0) + 1);
      }
    }
  }),
);
const s = summarise(ms);
process.stdout.write(
  `${values.legacy ? "legacy" : "gradual"} pool: ${ms.length}/${total} ok in ${((Date.now() - t0) / 1000).toFixed(1)} s; ` +
    `p50 ${s.p50.toFixed(0)} ms, p95 ${s.p95.toFixed(0)} ms, max ${Math.max(0, ...ms).toFixed(0)} ms; errors ${JSON.stringify(Object.fromEntries(errors))}\n`,
);
await closeAll();
