/**
 * `npm run release:traffic -- [--duration S] [--connections N] [--window S] [--profile dev|test]
 * [--json]`: shopper reads through the gateway during a release, failed requests per window
 * (release-traffic.ts). Run it beside `npm run deploy`.
 */
import { parseArgs } from "node:util";
import type { ProfileName } from "@agora/infra-local/topology";
import { runReleaseTraffic } from "./release-traffic.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "180" },
    connections: { type: "string", default: "4" },
    window: { type: "string", default: "10" },
    profile: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
const r = await runReleaseTraffic({
  profile: values.profile as ProfileName | undefined,
  durationS: Number(values.duration),
  connections: Number(values.connections),
  windowS: Number(values.window),
  onWindow: (w) =>
    process.stderr.write(`${new Date().toISOString().slice(11, 19)} t=${w.atS}s requests=${w.requests} failed=${w.failed} p95=${w.p95Ms}ms ${JSON.stringify(w.byStatus)}\n`),
});
process.stdout.write(values.json ? `${JSON.stringify(r, null, 2)}\n` : `${r.requests} requests, ${r.failed} failed, ${r.windows.length} windows\n`);
process.exit(0);
