/**
 * `npm run vendor:move -- --vendor <slug|id> --to <shard> [--profile dev|test]` (also `--resume`,
 * `--list`): runs @agora/db's vendor-move CLI with the topology's environment.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { processEnv } from "../env/process-env.ts";
import { REPO_ROOT, topology } from "../topology.ts";
import { profileFromEnv } from "../topology.ts";

const argv = process.argv.slice(2);
const at = argv.indexOf("--profile");
const profile = at >= 0 ? argv[at + 1] : profileFromEnv();
if (profile !== "dev" && profile !== "test") {
  process.stderr.write(`--profile must be "dev" or "test", got "${profile}"\n`);
  process.exit(2);
}
const passOn = argv.filter((a, i) => i !== at && i !== at + 1);
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", join(REPO_ROOT, "packages/db/src/cli/vendor-move.ts"), ...passOn],
  { stdio: "inherit", env: { ...process.env, ...processEnv(topology(profile), "test-runner") } },
);
process.exit(r.status ?? 1);
