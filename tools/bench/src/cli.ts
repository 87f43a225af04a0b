/**
 * `npm run bench -- [--quick] [--json] [--only a,b] [--shoppers N] [--checkout-bound S]
 * [--connections N] [--duration S] [--idle-window S] [--soak-minutes N] [--profile dev|test] [--no-history]`: measures the already
 * running product (`npm start`, with the same AGORA_BASE_PORT / AGORA_STATE_DIR) and prints the
 * table (or JSON on stdout with --json; progress always goes to stderr). Each run is appended to
 * the history beside the product. The soak runs only when `--only` names it (it takes minutes).
 */
import { parseArgs } from "node:util";
import { appendHistory } from "./history.ts";
import { CHECKOUT_MAX_BOUND_S, FULL_PLAN, planFor } from "./plan.ts";
import { stderrProgress } from "./progress.ts";
import { formatRun } from "./report/table.ts";
import { runBench } from "./run.ts";
import { SCENARIO_NAMES, selectScenarios } from "./scenarios.ts";
import { benchTarget } from "./target.ts";
import { runTrustingCa } from "@agora/infra-local/security";

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    only: { type: "string" },
    shoppers: { type: "string" },
    "checkout-bound": { type: "string" },
    connections: { type: "string" },
    duration: { type: "string" },
    "idle-window": { type: "string" },
    "soak-minutes": { type: "string" },
    profile: { type: "string", default: process.env.AGORA_PROFILE ?? "dev" },
    "no-history": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`--${name} must be a positive integer, got "${v}"`);
  return n;
}

async function main(): Promise<void> {
  if (values.help) {
    process.stdout.write(
      `npm run bench -- [--quick] [--json] [--only ${SCENARIO_NAMES.join(",")}] [--shoppers N] [--checkout-bound S] [--connections N] [--duration S] [--idle-window S] [--soak-minutes N] [--profile dev|test] [--no-history]\n(checkout: how long its shoppers are followed, ${FULL_PLAN.checkout.timeoutS} s unless asked, at most ${CHECKOUT_MAX_BOUND_S})\n(soak: only when --only names it; a warm-up, then N measured minutes, ${FULL_PLAN.soak.minutes} unless asked)\n`,
    );
    return;
  }
  if (values.profile !== "dev" && values.profile !== "test")
    throw new Error(`--profile must be dev or test`);
  const scenarios = selectScenarios(
    values.only
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  );
  const plan = planFor({
    quick: values.quick,
    shoppers: positive("shoppers", values.shoppers),
    checkoutBoundS: positive("checkout-bound", values["checkout-bound"]),
    connections: positive("connections", values.connections),
    durationS: positive("duration", values.duration),
    idleWindowS: positive("idle-window", values["idle-window"]),
    soakMinutes: positive("soak-minutes", values["soak-minutes"]),
  });
  const product = scenarios.some((s) => s.needsProduct) ? benchTarget(values.profile) : undefined;
  // The public URL may be HTTPS with the local CA's certificate: fetch must trust that CA.
  if (product) runTrustingCa(product.caFile);
  const run = await runBench({ plan, scenarios, product, progress: stderrProgress() });
  if (product && !values["no-history"]) {
    appendHistory(product.historyFile, run);
    process.stderr.write(`▸ appended to ${product.historyFile}\n`);
  }
  process.stdout.write(values.json ? `${JSON.stringify(run, null, 2)}\n` : `${formatRun(run)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`✖ ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
