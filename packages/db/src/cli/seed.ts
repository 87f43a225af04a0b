/**
 * Idempotent demo data for the databases of `AGORA_DB_URL_*`, media files into AGORA_STORAGE_DIR
 * (`npm run db:seed [-- --profile dev|test --products 5000 --seed 42]` runs it with a topology's env).
 */
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { loadConfig, storageSchema } from "@agora/config";
import { closeAll } from "../index.ts";
import { seed, type SeedProgress } from "../seed/index.ts";

const { values } = parseArgs({
  options: { products: { type: "string" }, seed: { type: "string" } },
  allowPositionals: false,
});
const products = values.products ? Number(values.products) : 5000;
const seedNumber = values.seed ? Number(values.seed) : 42;
if (!Number.isInteger(products) || products < 0 || !Number.isInteger(seedNumber)) {
  process.stderr.write("--products and --seed must be integers\n");
  process.exit(2);
}

const { AGORA_STORAGE_DIR: storageDir } = loadConfig(storageSchema);

const tty = Boolean(process.stdout.isTTY);
const bar = tty
  ? new cliProgress.SingleBar(
      { format: " {phase} [{bar}] {value}/{total}", hideCursor: true },
      cliProgress.Presets.shades_classic,
    )
  : undefined;
let barPhase = "";
const onProgress = (e: SeedProgress) => {
  if (bar) {
    if (e.phase !== barPhase) {
      if (barPhase) bar.stop();
      barPhase = e.phase;
      if (e.phase !== "done") bar.start(e.total, e.done, { phase: e.phase.padEnd(8) });
    } else bar.update(e.done, { phase: e.phase.padEnd(8) });
  } else if (e.phase !== "done") {
    process.stdout.write(`  ${e.phase}: ${e.done}/${e.total}\n`);
  }
};

try {
  process.stdout.write(
    `Seeding (seed ${seedNumber}, ${products} products)\n`,
  );
  const r = await seed({ products, seedNumber, stateDir: storageDir, onProgress });
  bar?.stop();
  if (r.skipped) {
    process.stdout.write(
      `✔ already seeded (run "${r.runName}": seed ${r.seedNumber}, ${r.products} products) — nothing to do\n`,
    );
  } else {
    process.stdout.write(
      `✔ seeded ${r.products} products for ${r.vendors.length} vendors in ${(r.durationMs / 1000).toFixed(1)} s\n`,
    );
  }
  process.stdout.write(`  vendors: ${r.vendors.map((v) => `${v.slug} → ${v.shard}`).join(", ")}\n`);
  process.stdout.write(`  demo logins (password "${r.password}"):\n`);
  for (const l of r.logins)
    process.stdout.write(
      `    ${l.email.padEnd(44)} ${l.role}${l.vendor ? ` (${l.vendor})` : ""}\n`,
    );
} catch (err) {
  bar?.stop();
  process.stderr.write(
    `✖ seed failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
} finally {
  await closeAll();
}
