/**
 * Online move of one vendor (tenant) from its shard to another while it keeps selling:
 *
 *   1. prepare   — record the move in core (one open move per vendor); the target refuses the
 *                  vendor's writes from anyone but the mover (`incoming`); the source starts
 *                  journaling the keys of the vendor's written rows (`copying`).
 *   2. copy      — one REPEATABLE READ snapshot of the vendor's rows on the source, copied to the
 *                  target page by page (parents first).
 *   3. catch up  — rounds of: re-read the journaled rows from the source, write them to the
 *                  target (or delete them there when they are gone), forget those entries.
 *   4. fence     — the source refuses the vendor's writes (`fenced`; writers wait and retry, see
 *                  fence.ts); the last journal entries are caught up; the vendor's outbox rows
 *                  still unpublished on the source are left to the relay so events stay in order.
 *   5. flip      — the directory names the target with a new epoch (every process's cache entry
 *                  is dropped by NOTIFY); the target takes writes; the source keeps a `moved`
 *                  tombstone that refuses stale writers for good. The write fence ends here.
 *   6. purge     — after the directory cache's lifetime, the source's copy is removed.
 *
 * A move that stops before the flip (an error, a killed process) is rolled back by the next run
 * for that vendor, or by `resumeVendorMoves()`: the target's half-copy is purged and the source
 * resumes. One that stopped after the flip is finished. Nothing is ever written twice or lost:
 * the copy is keyed upserts, the journal is replayed from the source's current rows, and a write
 * can land only where the vendor's state lets it.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { core, shard, shardNames } from "../../clients/registry.ts";
import { dbConfig } from "../../clients/config.ts";
import { DatabaseError, errorChain } from "../../errors/database-errors.ts";
import { invalidateShard, locateVendor } from "../directory.ts";
import {
  deleteRowsByKey,
  insertableColumns,
  readRowsByKey,
  readVendorPage,
  upsertRows,
} from "./copy-rows.ts";
import {
  actAsMover,
  forgetJournal,
  journalSize,
  purgeVendorRows,
  readJournal,
  setShardMoveState,
  unpublishedOutbox,
  type JournalEntry,
} from "./move-state.ts";
import { ident, MOVED_TABLES, tableNamed } from "./tables.ts";

export type MovePhase =
  "copying" | "catching-up" | "fenced" | "flipped" | "done" | "rolled-back" | "failed";

export interface MoveProgress {
  moveId: string;
  phase: MovePhase;
  /** The table being copied (copy phase). */
  table?: string;
  /** The vendor's rows in the snapshot (known once the copy starts). */
  rowsTotal?: number;
  rowsCopied: number;
  changesCaughtUp: number;
}

export interface MoveVendorOptions {
  onProgress?: (p: MoveProgress) => void;
  /** Rows per copy page (default 500). */
  copyPageSize?: number;
  /** Journal entries per catch-up batch (default 1,000; repeated keys collapse into one read). */
  catchUpBatchSize?: number;
  /** Fence after this long catching up even if writers keep the journal above `fenceBelow` (default 60 s). */
  maxCatchUpMs?: number;
  /** Fence once the journal holds at most this many changes (default 50): the fenced catch-up is short. */
  fenceBelow?: number;
  /** At most this many catch-up rounds before fencing anyway, if writers outpace them (default 20). */
  maxCatchUpRounds?: number;
  /** How long the fence waits for the source's relay to publish the vendor's events (default 10 s). */
  outboxDrainTimeoutMs?: number;
  /** Wait before purging the source's copy; default: the directory cache's lifetime + 5 s. */
  purgeAfterMs?: number;
}

export interface MoveResult {
  moveId: string;
  vendorId: string;
  fromShard: string;
  toShard: string;
  rowsCopied: number;
  changesCaughtUp: number;
  rowsPurged: number;
  /** From the source refusing the vendor's writes to the target accepting them. */
  writeFenceMs: number;
  /** Where the fence's time went: fence, last catch-up, outbox drain, flip, unfence (ms). */
  fenceSteps: Record<string, number>;
  durationMs: number;
}

/** MOVE_INVALID (bad request), MOVE_IN_PROGRESS (resume first), MOVE_FAILED (rolled back). */
export class VendorMoveError extends DatabaseError {
  constructor(
    code: "MOVE_INVALID" | "MOVE_IN_PROGRESS" | "MOVE_FAILED",
    message: string,
    options?: { cause: unknown },
  ) {
    super(code, message, options);
  }
}

const isUniqueViolation = (err: unknown) =>
  errorChain(err).some(
    (o) => o.code === "P2002" || o.code === "23505" || o.originalCode === "23505",
  );

export async function moveVendor(
  vendorId: string,
  toShard: string,
  options: MoveVendorOptions = {},
): Promise<MoveResult> {
  const started = Date.now();
  const vendor = vendorId.toLowerCase();
  invalidateShard(vendor);
  const { shard: fromShard } = await locateVendor(vendor);
  if (!shardNames().includes(toShard))
    throw new VendorMoveError("MOVE_INVALID", `unknown shard "${toShard}"`);
  if (fromShard === toShard)
    throw new VendorMoveError("MOVE_INVALID", `vendor ${vendor} is already on ${toShard}`);

  const moveId = randomUUID();
  try {
    await core().primary.vendorMove.create({
      data: { id: moveId, vendorId: vendor, fromShard, toShard, phase: "copying" },
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new VendorMoveError(
        "MOVE_IN_PROGRESS",
        `vendor ${vendor} has an unfinished move; resume it first (npm run vendor:move -- --resume)`,
        { cause: err },
      );
    throw err;
  }

  const batch = options.catchUpBatchSize ?? 1_000;
  const progress: MoveProgress = { moveId, phase: "copying", rowsCopied: 0, changesCaughtUp: 0 };
  const report = (patch: Partial<MoveProgress>) => {
    Object.assign(progress, patch);
    options.onProgress?.({ ...progress });
  };
  const ctx: MoveContext = {
    moveId,
    vendor,
    fromShard,
    toShard,
    batch,
    pageSize: options.copyPageSize ?? 500,
    report,
    progress,
  };

  let fencedAt: number | undefined;
  const fenceSteps: Record<string, number> = {};
  try {
    // 1. prepare
    await setShardMoveState(toShard, vendor, moveId, "incoming");
    await setShardMoveState(fromShard, vendor, moveId, "copying");
    // 2. copy
    report({ phase: "copying" });
    await copySnapshot(ctx);
    // 3. catch up
    await setPhase(moveId, "catching-up", { rowsCopied: progress.rowsCopied });
    report({ phase: "catching-up", table: undefined });
    // Rounds of draining what the journal holds, until little is left for the fenced catch-up
    // (the part writers wait for).
    const catchUpUntil = Date.now() + (options.maxCatchUpMs ?? 60_000);
    for (
      let round = 0;
      round < (options.maxCatchUpRounds ?? 20) && Date.now() < catchUpUntil;
      round++
    ) {
      const pending = await journalSize(fromShard, moveId);
      if (pending <= (options.fenceBelow ?? 50)) break;
      // What the journal holds now, not what writers add meanwhile (that is the next round's).
      await catchUp(ctx, Math.ceil(pending / batch));
    }
    // 4. fence
    fencedAt = Date.now();
    let lap = fencedAt;
    const time = (step: string) => {
      const now = Date.now();
      fenceSteps[step] = now - lap;
      lap = now;
    };
    await core().primary.shardDirectory.update({
      where: { vendorId: vendor },
      data: { writeFenced: true },
    });
    await setShardMoveState(fromShard, vendor, moveId, "fenced");
    time("fence");
    await setPhase(moveId, "fenced", { fencedAt: new Date(fencedAt) });
    report({ phase: "fenced" });
    while ((await catchUp(ctx, Number.POSITIVE_INFINITY)) > 0);
    time("last catch-up");
    await waitForOutbox(fromShard, vendor, options.outboxDrainTimeoutMs ?? 10_000);
    time("outbox drain");
    await continueSequences(toShard, vendor);
    // 5. flip
    await core().primary.$transaction([
      core().primary.shardDirectory.update({
        where: { vendorId: vendor },
        data: { shard: toShard, epoch: { increment: 1 }, writeFenced: false },
      }),
      core().primary.vendorMove.update({
        where: { id: moveId },
        data: {
          phase: "flipped",
          flippedAt: new Date(),
          changesCaughtUp: progress.changesCaughtUp,
        },
      }),
    ]);
  } catch (err) {
    await rollBack(moveId, vendor, fromShard, toShard, err);
    throw new VendorMoveError(
      "MOVE_FAILED",
      `moving vendor ${vendor} to ${toShard} failed and was rolled back: ${(err as Error).message}`,
      { cause: err },
    );
  }
  fenceSteps.flip = Date.now() - (fencedAt ?? Date.now()) - sum(fenceSteps);
  invalidateShard(vendor);
  await finishFlip(moveId, vendor, fromShard, toShard);
  const writeFenceMs = Date.now() - (fencedAt ?? Date.now());
  fenceSteps.unfence = writeFenceMs - sum(fenceSteps);
  await setPhase(moveId, "flipped", { writeFenceMs });
  report({ phase: "flipped" });

  // 6. purge
  await sleep(options.purgeAfterMs ?? dbConfig().directoryTtlMs + 5_000);
  const rowsPurged = await purgeVendorRows(fromShard, vendor);
  await setPhase(moveId, "done", { rowsPurged, finishedAt: new Date() });
  report({ phase: "done" });
  return {
    moveId,
    vendorId: vendor,
    fromShard,
    toShard,
    rowsCopied: progress.rowsCopied,
    changesCaughtUp: progress.changesCaughtUp,
    rowsPurged,
    writeFenceMs,
    fenceSteps,
    durationMs: Date.now() - started,
  };
}

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

interface MoveContext {
  moveId: string;
  vendor: string;
  fromShard: string;
  toShard: string;
  batch: number;
  pageSize: number;
  progress: MoveProgress;
  report: (patch: Partial<MoveProgress>) => void;
}

async function setPhase(
  moveId: string,
  phase: MovePhase,
  data: {
    rowsCopied?: number;
    rowsPurged?: number;
    writeFenceMs?: number;
    fencedAt?: Date;
    finishedAt?: Date;
    error?: string;
  } = {},
): Promise<void> {
  await core().primary.vendorMove.update({
    where: { id: moveId },
    data: {
      phase,
      ...(data.rowsCopied !== undefined ? { rowsCopied: data.rowsCopied } : {}),
      ...(data.rowsPurged !== undefined ? { rowsPurged: data.rowsPurged } : {}),
      ...(data.writeFenceMs !== undefined ? { writeFenceMs: data.writeFenceMs } : {}),
      ...(data.fencedAt ? { fencedAt: data.fencedAt } : {}),
      ...(data.finishedAt ? { finishedAt: data.finishedAt } : {}),
      ...(data.error !== undefined ? { error: data.error.slice(0, 2_000) } : {}),
    },
  });
}

/** Step 2: the vendor's rows as of one snapshot of the source, table by table, page by page. */
async function copySnapshot(ctx: MoveContext): Promise<void> {
  await shard(ctx.fromShard).primary.$transaction(
    async (src) => {
      await actAsMover(src);
      let rowsTotal = 0;
      for (const t of MOVED_TABLES) {
        const [c] = await src.$queryRawUnsafe<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM ${ident(t.name)} WHERE ${ident(t.tenantColumn)} = $1::uuid`,
          ctx.vendor,
        );
        rowsTotal += c?.n ?? 0;
      }
      ctx.report({ rowsTotal });
      for (const t of MOVED_TABLES) {
        const columns = await insertableColumns(src, t.name);
        let cursor: string | undefined;
        for (;;) {
          const page = await readVendorPage(src, t, columns, ctx.vendor, cursor, ctx.pageSize);
          if (page.count === 0) break;
          await shard(ctx.toShard).primary.$transaction(async (dst) => {
            await actAsMover(dst);
            await upsertRows(dst, t, columns, page.json);
          });
          ctx.report({ table: t.name, rowsCopied: ctx.progress.rowsCopied + page.count });
          if (page.count < ctx.pageSize) break;
          cursor = page.cursor;
        }
      }
    },
    { isolationLevel: "RepeatableRead", maxWait: 10_000, timeout: 30 * 60_000 },
  );
}

/**
 * Step 3 (and the last part of 4): replays journaled changes from the source's current rows, at
 * most `rounds` batches. Returns how many entries it applied.
 */
async function catchUp(ctx: MoveContext, rounds: number): Promise<number> {
  let applied = 0;
  for (let i = 0; i < rounds; i++) {
    const entries = await readJournal(ctx.fromShard, ctx.moveId, ctx.batch);
    if (entries.length === 0) break;
    await applyJournal(ctx, entries);
    await forgetJournal(
      ctx.fromShard,
      ctx.moveId,
      entries.map((e) => e.id),
    );
    applied += entries.length;
    ctx.report({ changesCaughtUp: ctx.progress.changesCaughtUp + entries.length });
    if (entries.length < ctx.batch) break;
  }
  return applied;
}

/** A key object as a comparable string, its columns in primary-key order. */
const keyString = (primaryKey: readonly string[], key: Record<string, unknown>) =>
  JSON.stringify(Object.fromEntries(primaryKey.map((c) => [c, key[c]])));

async function applyJournal(ctx: MoveContext, entries: readonly JournalEntry[]): Promise<void> {
  // Distinct keys per table; the source's current row is the truth for each.
  const keysByTable = new Map<string, Map<string, Record<string, unknown>>>();
  for (const e of entries) {
    const keys = keysByTable.get(e.table) ?? new Map<string, Record<string, unknown>>();
    keys.set(JSON.stringify(e.key), e.key);
    keysByTable.set(e.table, keys);
  }
  const current = new Map<string, { columns: string[]; rows: string; gone: string }>();
  await shard(ctx.fromShard).primary.$transaction(async (src) => {
    await actAsMover(src);
    for (const [name, keys] of keysByTable) {
      const t = tableNamed(name);
      const columns = await insertableColumns(src, name);
      const wanted = [...keys.values()];
      const found = await readRowsByKey(src, t, columns, JSON.stringify(wanted));
      const present = new Set(
        (JSON.parse(found.keys) as Record<string, unknown>[]).map((k) =>
          keyString(t.primaryKey, k),
        ),
      );
      const gone = wanted.filter((k) => !present.has(keyString(t.primaryKey, k)));
      current.set(name, { columns, rows: found.json, gone: JSON.stringify(gone) });
    }
  });
  await shard(ctx.toShard).primary.$transaction(async (dst) => {
    await actAsMover(dst);
    // Deletes children first, then upserts parents first (a row re-created under a new id with
    // the same natural key must not meet its deleted predecessor).
    for (const t of [...MOVED_TABLES].reverse()) {
      const c = current.get(t.name);
      if (c && c.gone !== "[]") await deleteRowsByKey(dst, t, c.gone);
    }
    for (const t of MOVED_TABLES) {
      const c = current.get(t.name);
      if (c && c.rows !== "[]") await upsertRows(dst, t, c.columns, c.rows);
    }
  });
}

async function waitForOutbox(shardName: string, vendor: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await unpublishedOutbox(shardName, vendor);
    if (left === 0) return;
    if (Date.now() >= deadline)
      throw new Error(`${left} events of the vendor were still unpublished on ${shardName}`);
    await sleep(25);
  }
}

/** Movement ids go on after the copied ones, so the vendor's movement log stays in order. */
async function continueSequences(toShard: string, vendor: string): Promise<void> {
  await shard(toShard).primary.$transaction(async (dst) => {
    await actAsMover(dst);
    await dst.$queryRawUnsafe(
      `SELECT setval('stock_movements_id_seq',
                     greatest((SELECT last_value FROM stock_movements_id_seq),
                              coalesce((SELECT max(id) FROM stock_movements WHERE vendor_id = $1::uuid), 1)))::text`,
      vendor,
    );
  });
}

/** After the directory flip: the target takes the vendor's writes, the source keeps a tombstone. */
async function finishFlip(
  moveId: string,
  vendor: string,
  fromShard: string,
  toShard: string,
): Promise<void> {
  await setShardMoveState(toShard, vendor, moveId, null);
  await setShardMoveState(fromShard, vendor, moveId, "moved");
  await forgetJournal(fromShard, moveId);
}

/** Before the flip nothing outside the target's half-copy changed: undo that and resume. */
async function rollBack(
  moveId: string,
  vendor: string,
  fromShard: string,
  toShard: string,
  cause: unknown,
): Promise<void> {
  await setShardMoveState(fromShard, vendor, moveId, null);
  await core().primary.shardDirectory.update({
    where: { vendorId: vendor },
    data: { writeFenced: false },
  });
  await purgeVendorRows(toShard, vendor).catch(async (err: unknown) => {
    // No half-copy (the move failed before it began): just the state row, if any.
    if (!errorChain(err).some((o) => o.code === "AG002" || o.originalCode === "AG002")) throw err;
    await setShardMoveState(toShard, vendor, moveId, null);
  });
  await forgetJournal(fromShard, moveId);
  await setPhase(moveId, "rolled-back", {
    finishedAt: new Date(),
    error: cause instanceof Error ? cause.message : String(cause),
  });
}

/**
 * Finishes or rolls back every move a stopped process left open: before the flip, rolled back;
 * after it, finished (tombstone, purge). Returns the moves it settled.
 */
export async function resumeVendorMoves(
  options: { purgeAfterMs?: number } = {},
): Promise<{ moveId: string; vendorId: string; outcome: "rolled-back" | "done" }[]> {
  const open = await core().primary.vendorMove.findMany({
    where: { phase: { in: ["copying", "catching-up", "fenced", "flipped"] } },
  });
  const settled: { moveId: string; vendorId: string; outcome: "rolled-back" | "done" }[] = [];
  for (const m of open) {
    if (m.phase !== "flipped") {
      await rollBack(m.id, m.vendorId, m.fromShard, m.toShard, new Error("the mover stopped"));
      settled.push({ moveId: m.id, vendorId: m.vendorId, outcome: "rolled-back" });
      continue;
    }
    await finishFlip(m.id, m.vendorId, m.fromShard, m.toShard);
    await sleep(options.purgeAfterMs ?? 0);
    const rowsPurged = await purgeVendorRows(m.fromShard, m.vendorId);
    await setPhase(m.id, "done", { rowsPurged, finishedAt: new Date() });
    settled.push({ moveId: m.id, vendorId: m.vendorId, outcome: "done" });
  }
  return settled;
}

export interface VendorMoveRecord {
  id: string;
  vendorId: string;
  fromShard: string;
  toShard: string;
  phase: MovePhase;
  rowsCopied: number;
  changesCaughtUp: number;
  rowsPurged: number;
  writeFenceMs: number | null;
  error: string | null;
  startedAt: Date;
  finishedAt: Date | null;
}

/** The latest moves, newest first (console, CLI). */
export async function recentVendorMoves(limit = 20): Promise<VendorMoveRecord[]> {
  const rows = await core().primary.vendorMove.findMany({
    orderBy: { startedAt: "desc" },
    take: limit,
  });
  return rows.map((r) => ({
    id: r.id,
    vendorId: r.vendorId,
    fromShard: r.fromShard,
    toShard: r.toShard,
    phase: r.phase as MovePhase,
    rowsCopied: Number(r.rowsCopied),
    changesCaughtUp: Number(r.changesCaughtUp),
    rowsPurged: Number(r.rowsPurged),
    writeFenceMs: r.writeFenceMs,
    error: r.error,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  }));
}
