/** `npm run db:migrate [-- --profile dev|test]`: migrate every cluster of the topology, one line per cluster. */
import { formatReport, migrateAll } from "@agora/db/migrations";
import { migrationTarget } from "../env/migration-target.ts";
import { topology } from "../topology.ts";
import { cliArgs, runCli } from "./args.ts";

runCli(async () => {
  const { profile } = cliArgs({});
  const reports = await migrateAll(migrationTarget(topology(profile)));
  for (const r of reports) process.stdout.write(`${formatReport(r)}\n`);
});
