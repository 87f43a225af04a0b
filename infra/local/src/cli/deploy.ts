/**
 * `npm run deploy -- --strategy canary|blue-green [--version v2] [--fault product-read=0.2]
 *   [--requires 0026] [--interval-ms 5000] [--count 3]`: rolls a new release of the storefront out
 * on the running local topology and shows its progress; ends when it is stable or rolled back.
 * `npm run deploy -- --action promote|abort|rollback` sends an operator request to the running
 * rollout; `--status` prints the last rollout's state.
 */
import pg from "pg";
import { RolloutController } from "../rollout/controller.ts";
import { localPlatform } from "../rollout/local-platform.ts";
import { readStableRelease } from "../rollout/release-env.ts";
import {
  readRolloutState,
  readTrafficSplit,
  releaseSpecSchema,
  requestRolloutAction,
  ROLLOUT_REQUESTS,
  type RolloutRequest,
  STRATEGIES,
  type Strategy,
} from "../rollout/rollout-state.ts";
import { strategySteps } from "../rollout/strategy.ts";
import { databaseUrl, topology } from "../topology.ts";
import { cliArgs, runCli } from "./args.ts";

runCli(async () => {
  const { values, profile } = cliArgs({
    strategy: { type: "string", default: "canary" },
    version: { type: "string" },
    fault: { type: "string" },
    requires: { type: "string" },
    action: { type: "string" },
    status: { type: "boolean", default: false },
    "interval-ms": { type: "string", default: "5000" },
    count: { type: "string", default: "3" },
  });
  const t = topology(profile);
  if (values.status) {
    process.stdout.write(`${JSON.stringify(readRolloutState(t.stateDir) ?? null, null, 2)}\n`);
    return;
  }
  if (values.action) {
    const action = String(values.action);
    if (!(ROLLOUT_REQUESTS as readonly string[]).includes(action)) throw new Error(`--action must be one of ${ROLLOUT_REQUESTS.join(", ")}`);
    const s = readRolloutState(t.stateDir);
    if (!s) throw new Error("no rollout has run on this topology");
    requestRolloutAction(t.stateDir, s.id, action as RolloutRequest, "cli");
    process.stdout.write(`${action} sent to rollout ${s.id}\n`);
    return;
  }
  const strategy = String(values.strategy);
  if (!(STRATEGIES as readonly string[]).includes(strategy)) throw new Error(`--strategy must be canary or blue-green`);
  const fault = values.fault ? /^product-read=(0(\.\d+)?|1(\.0+)?)$/.exec(String(values.fault)) : undefined;
  if (values.fault && !fault) throw new Error(`--fault must look like product-read=0.2`);
  const stableVersion = readTrafficSplit(t.stateDir)?.stableVersion ?? readStableRelease(t)?.version ?? "dev";
  const stable = readStableRelease(t) ?? releaseSpecSchema.parse({ version: stableVersion });
  const next = releaseSpecSchema.parse({
    version: values.version ?? `r${new Date().toISOString().replace(/\D/g, "").slice(4, 12)}`,
    productReadFaultRate: fault ? Number(fault[1]) : 0,
    requiresMigrations: values.requires ? String(values.requires).split(",") : [],
  });
  const t0 = Date.now();
  const platform = localPlatform(t, {
    previewPaths: await previewPaths(t),
    log: (l) => process.stderr.write(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${l}\n`),
  });
  try {
    const controller = new RolloutController(platform, {
      strategy: strategy as Strategy,
      stable,
      next,
      steps: strategySteps(strategy as Strategy, { intervalMs: Number(values["interval-ms"]), count: Number(values.count) }),
    });
    process.stderr.write(`rollout ${controller.state.id}: ${stable.version} → ${next.version} (${strategy}); console: Deployments\n`);
    // Ctrl-C is an abort, not an exit that would leave the split half-way: the controller rolls back, then the job ends.
    const abort = () => requestRolloutAction(t.stateDir, controller.state.id, "abort", "cli (signal)");
    process.once("SIGINT", abort);
    process.once("SIGTERM", abort);
    const s = await controller.run();
    process.stdout.write(
      `${s.phase === "Healthy" ? "✔" : "✖"} ${s.message}${s.rollbackMs !== undefined ? ` (traffic back on stable in ${s.rollbackMs} ms)` : ""}\n`,
    );
    if (s.phase !== "Healthy") process.exitCode = 3;
  } finally {
    platform.close();
  }
});

/** Product pages a blue-green preview is exercised with (its instances get no gateway traffic). */
async function previewPaths(t: ReturnType<typeof topology>): Promise<string[]> {
  const db = new pg.Client({ connectionString: databaseUrl(t, "core", "ro") });
  await db.connect();
  try {
    const { rows } = await db.query<{ product_id: string }>("select product_id from catalog_search limit 10");
    return rows.map((r) => `/api/trpc/catalog.product?input=${encodeURIComponent(JSON.stringify({ json: { productId: r.product_id } }))}`);
  } finally {
    await db.end();
  }
}
