/** `npm run infra:up|infra:down|infra:status` and `npm stop`. */
import { down, up } from "../launcher.ts";
import { formatStatus, getStatus } from "../status/index.ts";
import { PROFILES, type ProfileName, topology } from "../topology.ts";
import { cliArgs, runCli } from "./args.ts";
import { markStopping } from "./foreground.ts";

runCli(async () => {
  const { values, positionals, profile } = cliArgs({
    all: { type: "boolean", default: false },
    wipe: { type: "boolean", default: false },
    regions: { type: "string" },
  });
  if (values.regions !== undefined) process.env.AGORA_REGIONS = values.regions;
  const cmd = positionals[0];
  const log = (l: string) => process.stdout.write(`  ${l}\n`);
  if (cmd === "up") {
    const t = topology(profile);
    process.stdout.write(`Starting the ${profile} topology (state: ${t.stateDir})\n`);
    const r = await up(t, log);
    process.stdout.write(`✔ servers ready in ${(r.ms / 1000).toFixed(1)} s; leaders: ${JSON.stringify(r.leaders)}\n`);
    process.stdout.write(formatStatus(await getStatus(t)));
  } else if (cmd === "down") {
    const profiles: ProfileName[] = values.all ? (Object.keys(PROFILES) as ProfileName[]) : [profile];
    for (const p of profiles) {
      const t = topology(p);
      process.stdout.write(`Stopping the ${p} topology\n`);
      // Tells a foreground `npm start` of this topology that its apps are being stopped, not crashing.
      const unmark = markStopping(t.stateDir);
      try {
        await down(t, log, { wipe: Boolean(values.wipe) });
      } finally {
        unmark();
      }
    }
    process.stdout.write("✔ stopped\n");
  } else if (cmd === "status") {
    const s = await getStatus(topology(profile));
    process.stdout.write(values.json ? `${JSON.stringify(s, null, 2)}\n` : formatStatus(s));
  } else {
    throw new Error(`usage: infra.ts up|down|status [--profile dev|test] [--regions 1|2] [--json] [--all] [--wipe]`);
  }
});
