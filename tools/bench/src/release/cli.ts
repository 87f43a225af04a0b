/**
 * `npm run release:traffic -- [--duration S] [--connections N] [--window S] [--profile dev|test]
 * [--buyers N] [--json]`: shopper reads through the gateway during a release, failed requests per
 * window, and N signed-in shoppers (default 2) buying one item after another (release-traffic.ts). Run it beside `npm run deploy`.
 * Orders refused out of stock are printed apart from failed checkouts (checkout-outcomes.ts).
 */
import { parseArgs } from "node:util";
import { runTrustingCa } from "@agora/infra-local/security";
import type { ProfileName } from "@agora/infra-local/topology";
import { benchTarget } from "../target.ts";
import { OUT_OF_STOCK_LABEL } from "./checkout-outcomes.ts";
import { runReleaseTraffic } from "./release-traffic.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "180" },
    connections: { type: "string", default: "4" },
    window: { type: "string", default: "10" },
    buyers: { type: "string", default: "2" },
    profile: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
// The public URL is HTTPS in the local profile (the edge's certificate from the local CA).
runTrustingCa(benchTarget(values.profile as ProfileName | undefined).caFile);
const r = await runReleaseTraffic({
  profile: values.profile as ProfileName | undefined,
  durationS: Number(values.duration),
  connections: Number(values.connections),
  windowS: Number(values.window),
  buyers: Number(values.buyers),
  onWindow: (w) =>
    process.stderr.write(`${new Date().toISOString().slice(11, 19)} t=${w.atS}s requests=${w.requests} failed=${w.failed} p95=${w.p95Ms}ms ${JSON.stringify(w.byStatus)} checkouts ready=${w.checkouts.ready} failed=${w.checkouts.failed} out-of-stock=${w.checkouts.outOfStock}${w.checkouts.errors.length ? ` (${w.checkouts.errors.join("; ")})` : ""}\n`),
});
process.stdout.write(values.json ? `${JSON.stringify(r, null, 2)}\n` : `${r.requests} requests, ${r.failed} failed, ${r.windows.length} windows; checkouts ${r.checkouts.ready} ready, ${r.checkouts.failed} failed, ${r.checkouts.outOfStock} out of stock (${OUT_OF_STOCK_LABEL})\n`);
process.exit(0);
