/**
 * The console's Shards page: vendors per shard, the latest online vendor moves with their write
 * fence, and a move started from the page (run by this console process in the background, like
 * a failover drill; its progress is polled from here, its record kept in core `vendor_moves`).
 */
import {
  core,
  moveVendor,
  proposeMoves,
  recentVendorMoves,
  shardNames,
  VendorMoveError,
  withPlatformScope,
  type MoveProgress,
  type ShardLoad,
} from "@agora/db";
import { TRPCError } from "@trpc/server";
import { z } from "zod";

export const startVendorMoveInput = z.object({
  vendorId: z.uuid(),
  toShard: z.string().min(1).max(64),
});

/** Moves this process is running, by vendor: the page's live progress. */
const running = new Map<string, MoveProgress & { rowsTotal?: number }>();

/**
 * Each vendor's load on its shard: its products plus its stock movements of the last 24 hours
 * (what its shoppers and staff write). A vendor half-arrived or departed (a move in progress or
 * its tombstone) is not counted where it does not live.
 */
async function shardLoads(): Promise<ShardLoad[]> {
  return Promise.all(
    shardNames().map(async (shard) => {
      const rows = await withPlatformScope(shard, (tx) =>
        tx.$queryRawUnsafe<{ vendor_id: string; load: number }[]>(
          `SELECT vendor_id::text, sum(n)::int AS load FROM (
             SELECT vendor_id, count(*) AS n FROM products GROUP BY vendor_id
             UNION ALL
             SELECT vendor_id, count(*) FROM stock_movements
              WHERE created_at > now() - interval '24 hours' GROUP BY vendor_id) x
            WHERE vendor_id NOT IN (SELECT vendor_id FROM vendor_move_state
                                     WHERE state IN ('incoming', 'moved'))
            GROUP BY vendor_id`,
        ),
      );
      return { shard, vendors: rows.map((r) => ({ vendorId: r.vendor_id, load: r.load })) };
    }),
  );
}

export async function shardOverview() {
  const db = core().primary;
  const [counts, vendors, moves, loads] = await Promise.all([
    db.shardDirectory.groupBy({ by: ["shard"], _count: { _all: true } }),
    db.vendor.findMany({
      select: { id: true, slug: true, name: true, shard: { select: { shard: true, epoch: true } } },
      orderBy: { name: "asc" },
      take: 500,
    }),
    recentVendorMoves(20),
    shardLoads(),
  ]);
  const byShard = new Map(counts.map((c) => [c.shard, c._count._all]));
  const names = new Map(vendors.map((v) => [v.id, v.name]));
  return {
    shards: shardNames().map((name) => ({
      name,
      vendors: byShard.get(name) ?? 0,
      load: loads.find((l) => l.shard === name)?.vendors.reduce((s, v) => s + v.load, 0) ?? 0,
    })),
    /** What the rebalancer would move (load = products + stock movements of the last day). */
    proposals: proposeMoves(loads).map((m) => ({
      ...m,
      vendorName: names.get(m.vendorId) ?? m.vendorId,
    })),
    vendors: vendors.map((v) => ({
      id: v.id,
      slug: v.slug,
      name: v.name,
      shard: v.shard?.shard ?? null,
      epoch: v.shard?.epoch ?? null,
    })),
    running: [...running.entries()].map(([vendorId, p]) => ({
      vendorId,
      vendorName: names.get(vendorId) ?? vendorId,
      ...p,
    })),
    moves: moves.map((m) => ({
      ...m,
      vendorName: names.get(m.vendorId) ?? m.vendorId,
      startedAt: m.startedAt.toISOString(),
      finishedAt: m.finishedAt?.toISOString() ?? null,
    })),
  };
}

export async function startVendorMove(
  actorUserId: string,
  input: z.infer<typeof startVendorMoveInput>,
): Promise<{ started: true }> {
  if (!shardNames().includes(input.toShard))
    throw new TRPCError({ code: "NOT_FOUND", message: `no shard named ${input.toShard}` });
  const entry = await core().primary.shardDirectory.findUnique({
    where: { vendorId: input.vendorId },
  });
  if (!entry) throw new TRPCError({ code: "NOT_FOUND", message: "no such vendor" });
  if (entry.shard === input.toShard)
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `the vendor is already on ${input.toShard}`,
    });
  if (running.has(input.vendorId))
    throw new TRPCError({ code: "CONFLICT", message: "this vendor is already being moved" });
  await core().primary.auditLog.create({
    data: {
      actorUserId,
      action: "vendor.move",
      targetType: "vendor",
      targetId: input.vendorId,
      details: { from: entry.shard, to: input.toShard },
    },
  });
  running.set(input.vendorId, {
    moveId: "",
    phase: "copying",
    rowsCopied: 0,
    changesCaughtUp: 0,
  });
  void moveVendor(input.vendorId, input.toShard, {
    onProgress: (p) => running.set(input.vendorId, p),
  })
    .catch((err: unknown) => {
      // Recorded on the move's row (rolled-back, with the reason) unless it never started.
      if (!(err instanceof VendorMoveError)) process.emitWarning(`vendor move: ${String(err)}`);
    })
    .finally(() => running.delete(input.vendorId));
  return { started: true };
}
