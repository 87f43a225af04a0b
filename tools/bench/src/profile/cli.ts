/**
 * `npm run profile -- --process storefront-1 [--seconds 20] [--out file.cpuprofile] [--profile dev|test]`:
 * a CPU profile of one process of the running topology (cpu-profile.ts), e.g. a storefront while
 * `npm run bench -- --only checkout` runs. Prints the hottest functions by self time.
 */
import { parseArgs } from "node:util";
import { readRegistry } from "@agora/infra-local/processes";
import { type ProfileName, topology } from "@agora/infra-local/topology";
import { hottest, profileProcess, saveProfile } from "./cpu-profile.ts";

const { values } = parseArgs({
  options: {
    process: { type: "string" },
    seconds: { type: "string", default: "20" },
    out: { type: "string" },
    profile: { type: "string" },
  },
});
const name = values.process;
if (!name) throw new Error("--process <name> is required (a name from `npm run infra:status`)");
const seconds = Number(values.seconds);
if (!(seconds > 0 && seconds <= 300)) throw new Error("--seconds must be 1–300");
const t = topology(values.profile as ProfileName | undefined);
const rec = readRegistry(t.pidFile).find((r) => r.name === name);
if (!rec) throw new Error(`no running process named ${name}`);
process.stderr.write(`profiling ${name} (pid ${rec.pid}) for ${seconds} s …\n`);
const p = await profileProcess(rec.pid, seconds);
const out = values.out ?? `${name}-${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}.cpuprofile`;
saveProfile(p, out);
process.stdout.write(`${out}\n`);
for (const h of hottest(p)) process.stdout.write(`${h.selfPct.toFixed(1).padStart(5)} %  ${h.name}  ${h.where}\n`);
