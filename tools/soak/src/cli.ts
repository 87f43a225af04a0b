/**
 * `npm run chaos:soak -- [--rounds N] [--seed S] [--round-seconds S] [--faults kind,kind]
 * [--profile dev|test]`: a randomized fault soak against the running product (`npm start` with the
 * same AGORA_BASE_PORT / AGORA_STATE_DIR): a seeded nemesis injects faults while shoppers and a
 * vendor work through the public API, then the checker judges the recorded history. Progress per
 * round, a summary at the end, the run appended to `<state folder>/soak/history.jsonl`. Exits 1
 * when a violation was found.
 */
import { parseArgs } from "node:util";
import { DEMO_PASSWORD } from "@agora/db/seed";
import { processEnv } from "@agora/infra-local/env";
import { runTrustingCa } from "@agora/infra-local/security";
import { topology } from "@agora/infra-local/topology";
import { z } from "zod";
import { FAULT_KINDS } from "./faults.ts";
import { saveRun } from "./results.ts";
import { runSoak } from "./run.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    seed: { type: "string" },
    "round-seconds": { type: "string", default: "20" },
    "max-faults": { type: "string", default: "2" },
    faults: { type: "string" },
    shoppers: { type: "string", default: "6" },
    profile: { type: "string", default: process.env.AGORA_PROFILE ?? "dev" },
    vendor: { type: "string", default: "owner@acme-hardware.agora.local" },
    help: { type: "boolean", default: false },
  },
});

const args = z
  .object({
    rounds: z.coerce.number().int().min(1).max(1000),
    seed: z.coerce.number().int().min(0).max(0xffff_ffff).default(() => Math.floor(Math.random() * 0xffff_ffff)),
    "round-seconds": z.coerce.number().int().min(5).max(600),
    "max-faults": z.coerce.number().int().min(1).max(5),
    faults: z
      .string()
      .transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
      .pipe(z.array(z.enum(FAULT_KINDS.map((k) => k.kind) as [string, ...string[]])))
      .optional(),
    shoppers: z.coerce.number().int().min(1).max(50),
    profile: z.enum(["dev", "test"]),
    vendor: z.string().email(),
  })
  .parse({ ...values, seed: values.seed });

async function main(): Promise<void> {
  if (values.help) {
    process.stdout.write(
      `npm run chaos:soak -- [--rounds N] [--seed S] [--round-seconds S] [--max-faults N] [--faults ${FAULT_KINDS.map((k) => k.kind).join(",")}] [--shoppers N] [--profile dev|test] [--vendor EMAIL]\n`,
    );
    return;
  }
  const t = topology(args.profile);
  // The public URL may be HTTPS with the local CA's certificate: fetch must trust that CA.
  runTrustingCa(t.pki.caCert);
  // The checker reads the databases as the test runner does.
  Object.assign(process.env, processEnv(t, "test-runner"));
  const log = (l: string) => process.stderr.write(`${l}\n`);
  log(`soak: ${args.rounds} rounds × ${args["round-seconds"]} s, seed ${args.seed} (replay with --seed ${args.seed})`);
  const r = await runSoak({
    t,
    rounds: args.rounds,
    seed: args.seed,
    roundMs: args["round-seconds"] * 1000,
    maxFaultsPerRound: args["max-faults"],
    graceMs: 90_000,
    shoppers: args.shoppers,
    skus: 3,
    unitsPerSku: 3,
    vendorEmail: args.vendor,
    vendorPassword: process.env.AGORA_SOAK_VENDOR_PASSWORD ?? DEMO_PASSWORD,
    ...(args.faults ? { kinds: args.faults } : {}),
    log,
  });
  const files = saveRun(t.stateDir, r);
  const injected = r.faults.filter((f) => !f.error).length;
  log(
    `\nsoak done in ${(r.durationMs / 1000).toFixed(0)} s: ${r.rounds} rounds, ${injected} faults injected (${r.faults.length - injected} could not be), ` +
      `${r.ops.ok + r.ops.fail + r.ops.info} ops checked (${r.ops.ok} ok, ${r.ops.fail} refused, ${r.ops.info} indeterminate), ${r.violations.length} violations`,
  );
  for (const v of r.violations) {
    log(`\n✗ ${v.check}: ${v.detail}`);
    for (const line of v.slice) log(`    ${line}`);
  }
  log(`history: ${files.history}\nsummary appended to ${files.summary}`);
  process.exitCode = r.violations.length ? 1 : 0;
}

main().then(
  () => process.exit(),
  (err: unknown) => {
    process.stderr.write(`soak failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
  },
);
