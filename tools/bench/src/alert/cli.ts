/**
 * `npm run drill:alert -- [--timeout S] [--orders N] [--profile dev|test] [--json]`: the alert
 * drill on the running topology (alert-latency.ts): payment provider down → breaker open → page
 * in the on-call inbox and the webhook → provider back → resolved. Prints the latencies.
 */
import { parseArgs } from "node:util";
import { runTrustingCa } from "@agora/infra-local/security";
import type { ProfileName } from "@agora/infra-local/topology";
import { benchTarget } from "../target.ts";
import { runAlertDrill } from "./alert-latency.ts";

const { values } = parseArgs({
  options: {
    timeout: { type: "string", default: "300" },
    orders: { type: "string", default: "12" },
    profile: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
// The public URL is HTTPS in the local profile (the edge's certificate from the local CA).
runTrustingCa(benchTarget(values.profile as ProfileName | undefined).caFile);
const timeoutS = Number(values.timeout);
const maxOrders = Number(values.orders);
if (!(timeoutS >= 30 && timeoutS <= 900)) throw new Error("--timeout must be 30–900 s");
if (!(Number.isInteger(maxOrders) && maxOrders >= 1 && maxOrders <= 50)) throw new Error("--orders must be 1–50");
const r = await runAlertDrill({
  profile: values.profile as ProfileName | undefined,
  timeoutS,
  maxOrders,
  onStep: (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
});
const s = (ms: number | null) => (ms === null ? "–" : `${(ms / 1000).toFixed(1)} s`);
process.stdout.write(
  values.json
    ? `${JSON.stringify(r, null, 2)}\n`
    : [
        `CircuitBreakerOpen (payment provider), ${r.ordersPlaced} orders placed during the outage`,
        `  outage → breaker open      ${r.conditionAt ? s(Date.parse(r.conditionAt) - Date.parse(r.faultAt)) : "–"}`,
        `  breaker open → inbox page  ${s(r.conditionToInboxMs)}`,
        `  breaker open → webhook     ${s(r.conditionToWebhookMs)}`,
        `  provider back → resolved   ${s(r.healToResolvedMs)}`,
        ...r.notes.map((n) => `  note: ${n}`),
        "",
      ].join("\n"),
);
process.exit(r.conditionToInboxMs === null ? 2 : 0);
