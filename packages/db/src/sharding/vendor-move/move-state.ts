/**
 * The per-shard move state of a vendor (`vendor_move_state`, shard migration 0019) and the
 * catch-up journal, as the mover reads and changes them.
 */
import { shard } from "../../clients/registry.ts";
import type { ShardTx } from "../../clients/prisma-clients.ts";

export type ShardMoveState = "copying" | "fenced" | "moved" | "incoming";

/** The advisory lock class the guard trigger shares per vendor (shard migration 0019). */
const MOVE_LOCK_CLASS = 4242;

/** Marks the transaction as the mover's: the guard lets its writes through any state. */
export async function actAsMover(tx: ShardTx): Promise<void> {
  await tx.$queryRawUnsafe("SELECT set_config('agora.vendor_mover', 'on', true)");
  await tx.$queryRawUnsafe("SELECT set_config('agora.scope', 'platform', true)");
}

/**
 * Changes the vendor's state on one shard (null: at rest). Takes the vendor's lock exclusively, so
 * it waits for every write transaction that already passed the guard, and every later write sees
 * the new state: after this returns, no write made under the old state is still uncommitted.
 */
export async function setShardMoveState(
  shardName: string,
  vendorId: string,
  moveId: string,
  state: ShardMoveState | null,
  lockTimeoutMs = 10_000,
): Promise<void> {
  await shard(shardName).primary.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL lock_timeout = '${Math.trunc(lockTimeoutMs)}ms'`);
      await tx.$executeRawUnsafe(
        "SELECT pg_advisory_xact_lock($1::int, hashtext($2::text))",
        MOVE_LOCK_CLASS,
        vendorId,
      );
      if (state === null) {
        await tx.$executeRawUnsafe(
          "DELETE FROM vendor_move_state WHERE vendor_id = $1::uuid",
          vendorId,
        );
      } else {
        await tx.$executeRawUnsafe(
          `INSERT INTO vendor_move_state (vendor_id, move_id, state) VALUES ($1::uuid, $2::uuid, $3)
           ON CONFLICT (vendor_id) DO UPDATE SET move_id = EXCLUDED.move_id, state = EXCLUDED.state,
             updated_at = now()`,
          vendorId,
          moveId,
          state,
        );
      }
    },
    { maxWait: 10_000, timeout: lockTimeoutMs + 5_000 },
  );
}

export async function shardMoveState(
  shardName: string,
  vendorId: string,
): Promise<ShardMoveState | null> {
  const rows = await shard(shardName).primary.$queryRawUnsafe<{ state: ShardMoveState }[]>(
    "SELECT state FROM vendor_move_state WHERE vendor_id = $1::uuid",
    vendorId,
  );
  return rows[0]?.state ?? null;
}

export interface JournalEntry {
  id: bigint;
  table: string;
  key: Record<string, unknown>;
}

/** The oldest journaled changes of the move (keys only; the rows are re-read from the source). */
export async function readJournal(
  shardName: string,
  moveId: string,
  limit: number,
): Promise<JournalEntry[]> {
  const rows = await shard(shardName).primary.$queryRawUnsafe<
    { id: bigint; table_name: string; row_key: Record<string, unknown> }[]
  >(
    `SELECT id, table_name, row_key FROM vendor_move_changes WHERE move_id = $1::uuid
      ORDER BY id LIMIT ${Math.trunc(limit)}`,
    moveId,
  );
  return rows.map((r) => ({ id: r.id, table: r.table_name, key: r.row_key }));
}

export async function journalSize(shardName: string, moveId: string): Promise<number> {
  const rows = await shard(shardName).primary.$queryRawUnsafe<{ n: number }[]>(
    "SELECT count(*)::int AS n FROM vendor_move_changes WHERE move_id = $1::uuid",
    moveId,
  );
  return rows[0]?.n ?? 0;
}

export async function forgetJournal(
  shardName: string,
  moveId: string,
  ids?: readonly bigint[],
): Promise<void> {
  if (ids && ids.length === 0) return;
  if (ids)
    await shard(shardName).primary.$executeRawUnsafe(
      "DELETE FROM vendor_move_changes WHERE move_id = $1::uuid AND id = ANY($2::bigint[])",
      moveId,
      ids.map(String),
    );
  else
    await shard(shardName).primary.$executeRawUnsafe(
      "DELETE FROM vendor_move_changes WHERE move_id = $1::uuid",
      moveId,
    );
}

/** The vendor's outbox rows on the shard that the relay has not published yet. */
export async function unpublishedOutbox(shardName: string, vendorId: string): Promise<number> {
  return shard(shardName).primary.$transaction(async (tx) => {
    await actAsMover(tx);
    const rows = await tx.$queryRawUnsafe<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM outbox WHERE vendor_id = $1::uuid AND published_at IS NULL",
      vendorId,
    );
    return rows[0]?.n ?? 0;
  });
}

/** Removes the vendor's rows where it is a tombstone or a half-arrival (shard migration 0019). */
export async function purgeVendorRows(shardName: string, vendorId: string): Promise<number> {
  const rows = await shard(shardName).primary.$queryRawUnsafe<{ n: number }[]>(
    "SELECT agora_purge_moved_vendor($1::uuid)::int AS n",
    vendorId,
  );
  return rows[0]?.n ?? 0;
}
