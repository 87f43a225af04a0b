/**
 * `npm run vendor:move -- --vendor <slug|id> --to <shard>`: moves one vendor to another shard
 * online, with a progress bar; `--resume` settles moves a stopped run left open (rolled back
 * before the directory flip, finished after it); `--list` shows the latest moves.
 * (infra/local's `vendor:move` script runs it with a topology's environment.)
 */
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { z } from "zod";
import {
  closeAll,
  core,
  moveVendor,
  recentVendorMoves,
  resumeVendorMoves,
  shardNames,
  type MoveProgress,
} from "../index.ts";

const { values } = parseArgs({
  options: {
    vendor: { type: "string" },
    to: { type: "string" },
    resume: { type: "boolean", default: false },
    list: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    "purge-after-ms": { type: "string" },
  },
  allowPositionals: false,
});

async function vendorIdOf(ref: string): Promise<string> {
  const v = await core().primary.vendor.findFirst({
    where: z.uuid().safeParse(ref).success ? { id: ref } : { slug: ref },
    select: { id: true },
  });
  if (!v) throw new Error(`no vendor with id or slug "${ref}"`);
  return v.id;
}

async function main(): Promise<void> {
  if (values.list) {
    const moves = await recentVendorMoves(20);
    if (values.json) process.stdout.write(`${JSON.stringify(moves, null, 2)}\n`);
    else
      for (const m of moves)
        process.stdout.write(
          `${m.startedAt.toISOString()}  ${m.vendorId}  ${m.fromShard} → ${m.toShard}  ${m.phase.padEnd(11)} ` +
            `${m.rowsCopied} rows, ${m.changesCaughtUp} caught up, fence ${m.writeFenceMs ?? "–"} ms${m.error ? `  (${m.error})` : ""}\n`,
        );
    return;
  }
  if (values.resume) {
    const settled = await resumeVendorMoves();
    process.stdout.write(
      settled.length === 0
        ? "No unfinished vendor moves.\n"
        : settled.map((s) => `${s.vendorId}: ${s.outcome}\n`).join(""),
    );
    return;
  }
  if (!values.vendor || !values.to)
    throw new Error(
      `usage: npm run vendor:move -- --vendor <slug|id> --to <${shardNames().join("|")}> | --resume | --list`,
    );
  const vendorId = await vendorIdOf(values.vendor);
  const purgeAfterMs = values["purge-after-ms"] ? Number(values["purge-after-ms"]) : undefined;
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: " {phase} [{bar}] {value}/{total} rows  {detail}", hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let phase = "";
  const onProgress = (p: MoveProgress) => {
    const detail =
      p.phase === "copying" ? (p.table ?? "") : `${p.changesCaughtUp} changes caught up`;
    if (bar) {
      if (!phase) bar.start(p.rowsTotal ?? 0, 0, { phase: p.phase.padEnd(11), detail });
      bar.setTotal(p.rowsTotal ?? p.rowsCopied);
      bar.update(p.rowsCopied, { phase: p.phase.padEnd(11), detail });
    } else if (p.phase !== phase) {
      process.stderr.write(`  ${p.phase}: ${p.rowsCopied}/${p.rowsTotal ?? "?"} rows, ${detail}\n`);
    }
    phase = p.phase;
  };
  const r = await moveVendor(vendorId, values.to, {
    onProgress,
    ...(purgeAfterMs !== undefined ? { purgeAfterMs } : {}),
  });
  bar?.stop();
  if (values.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else
    process.stdout.write(
      `Moved vendor ${r.vendorId} from ${r.fromShard} to ${r.toShard} in ${(r.durationMs / 1000).toFixed(1)} s: ` +
        `${r.rowsCopied} rows copied, ${r.changesCaughtUp} changes caught up, ${r.rowsPurged} purged; ` +
        `writes fenced for ${r.writeFenceMs} ms (${Object.entries(r.fenceSteps)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}).\n`,
    );
}

try {
  await main();
} catch (err) {
  process.stderr.write(`\n✖ ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
} finally {
  await closeAll();
}
