#!/usr/bin/env node
// `npm test`: the whole suite, phase by phase, stopping at the first failing phase, then a table of
// where the time went (so a slower suite shows which phase grew). Dependency-free on purpose.
import { spawnSync } from "node:child_process";

const PHASES = [
  ["lint", "npm", ["run", "--silent", "lint"]],
  ["typecheck", "npm", ["run", "--silent", "typecheck"]],
  // Before Vitest: the integration suite starts the built apps from their environment alone.
  ["build (apps and workers)", "npm", ["run", "--silent", "build"]],
  ["vitest (unit, integration, chaos)", "npx", ["vitest", "run"]],
  ["playwright (end to end)", "npx", ["playwright", "test"]],
];

const only = process.argv.slice(2);
const results = [];
let failed = null;
for (const [name, cmd, args] of PHASES) {
  if (only.length && !only.some((o) => name.startsWith(o))) continue;
  process.stdout.write(`\n▶ ${name}: ${cmd} ${args.join(" ")}\n`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  const seconds = (Date.now() - started) / 1000;
  results.push({ name, seconds, ok: r.status === 0 });
  if (r.status !== 0) {
    failed = { name, status: r.status ?? 1 };
    break;
  }
}

const total = results.reduce((s, r) => s + r.seconds, 0);
process.stdout.write("\nWhere the time went:\n");
for (const r of results) {
  const bar = "█".repeat(Math.max(1, Math.round((r.seconds / Math.max(total, 1)) * 40)));
  process.stdout.write(
    `  ${r.ok ? "✓" : "✗"} ${r.name.padEnd(36)} ${r.seconds.toFixed(0).padStart(5)} s  ${bar}\n`,
  );
}
process.stdout.write(`    ${"total".padEnd(36)} ${total.toFixed(0).padStart(5)} s\n`);
if (failed) {
  process.stderr.write(`\n${failed.name} failed (exit ${failed.status}).\n`);
  process.exit(failed.status);
}
