/**
 * `npm run spike -- [--duration S] [--connections N] [--shoppers N] [--window S] [--no-autoscale]
 * [--profile dev|test] [--json]`: a bounded sale spike through the local gateway (spike.ts).
 */
import { parseArgs } from "node:util";
import { runTrustingCa } from "@agora/infra-local/security";
import type { ProfileName } from "@agora/infra-local/topology";
import { benchTarget } from "../target.ts";
import { stderrProgress } from "../progress.ts";
import { formatSpike, runSpike } from "./spike.ts";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "180" },
    connections: { type: "string", default: "40" },
    shoppers: { type: "string", default: "5" },
    window: { type: "string", default: "60" },
    "no-autoscale": { type: "boolean", default: false },
    profile: { type: "string" },
    json: { type: "boolean", default: false },
  },
});
// The public URL is HTTPS in the local profile (the edge's certificate from the local CA).
runTrustingCa(benchTarget(values.profile as ProfileName | undefined).caFile);
const r = await runSpike({
  profile: values.profile as ProfileName | undefined,
  durationS: Number(values.duration),
  connections: Number(values.connections),
  shoppers: Number(values.shoppers),
  windowS: Number(values.window),
  autoscale: !values["no-autoscale"],
  progress: stderrProgress(),
});
process.stdout.write(`${values.json ? JSON.stringify(r, null, 2) : formatSpike(r)}\n`);
process.exit(0);
