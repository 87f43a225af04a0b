/** `npm run db:migrate [-- --profile dev|test]`: migrate every cluster, one line per cluster. */
import { parseArgs } from "node:util";
import { topology, type ProfileName } from "@agora/infra-local/topology";
import { formatReport, migrateAll } from "../migrations/index.ts";

const { values } = parseArgs({ options: { profile: { type: "string" } }, allowPositionals: false });
const profile = (values.profile ?? process.env.AGORA_PROFILE ?? "dev") as ProfileName;
if (profile !== "dev" && profile !== "test") {
  process.stderr.write(`--profile must be dev or test, got "${profile}"\n`);
  process.exit(2);
}

try {
  const t = topology(profile);
  const reports = await migrateAll(t);
  for (const r of reports) process.stdout.write(`${formatReport(r)}\n`);
} catch (err) {
  process.stderr.write(`✖ migrate failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
