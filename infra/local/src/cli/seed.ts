/**
 * `npm run db:seed [-- --profile dev|test --products 5000 --seed 42]`: runs @agora/db's seed CLI
 * with the topology's environment (database URLs, storage folder), like any other process.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { processEnv } from "../env/process-env.ts";
import { REPO_ROOT, topology } from "../topology.ts";
import { cliArgs } from "./args.ts";

const { profile } = cliArgs({ products: { type: "string" }, seed: { type: "string" } });
const passOn = process.argv.slice(2).filter((a, i, all) => a !== "--profile" && all[i - 1] !== "--profile");
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", join(REPO_ROOT, "packages/db/src/cli/seed.ts"), ...passOn],
  { stdio: "inherit", env: { ...process.env, ...processEnv(topology(profile), "seed") } },
);
process.exit(r.status ?? 1);
