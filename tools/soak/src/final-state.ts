/**
 * What the checker compares the history with, read once the workload stopped and the sagas had
 * their grace period: stock rows and stock movements on the vendor's shard, the orders in core,
 * captures counted at the payment simulator (its providers' ledgers, not ours), and the database-side
 * invariants of `@agora/api/ops`.
 */
import { serviceFetch } from "@agora/infra-local/security";
import { checkInvariants } from "@agora/api/ops";
import { core, isRetryable, withRetry, withTenant } from "@agora/db";
import type { FinalState, SkuFinal } from "./checker.ts";
import { PAID_STATUSES } from "./checker.ts";
import type { HistoryEvent } from "./history.ts";
import type { SoakFixtures } from "./workload.ts";

export interface ProviderAdmin {
  url: string;
  token: string;
}

/**
 * Captures per order summed over both providers the simulator plays (the card API and PaySwift):
 * the payments pool fails over between them, so one order may be captured at either — and a
 * capture at each is a double charge.
 */
async function captures(p: ProviderAdmin): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const path of ["/admin/ledger", "/admin/payswift/ledger"]) {
    // The simulator's admin API is https with mutual TLS (the test runner's certificate).
    const res = await serviceFetch(`${p.url}${path}`, {
      headers: { authorization: `Bearer ${p.token}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`payment provider ${path}: HTTP ${res.status}`);
    const body = (await res.json()) as { orders: { orderId: string; captureCount: number }[] };
    for (const o of body.orders) out.set(o.orderId, (out.get(o.orderId) ?? 0) + o.captureCount);
  }
  return out;
}

/**
 * Read right after a round's faults were healed, on a loaded machine: a cluster that is still
 * settling is retried (bounded, with backoff) rather than failing the soak.
 */
export function readFinalState(fx: SoakFixtures, events: readonly HistoryEvent[], provider: ProviderAdmin): Promise<FinalState> {
  return withRetry(() => readOnce(fx, events, provider), { attempts: 6, baseDelayMs: 1_000, maxDelayMs: 10_000, retryIf: isRetryable });
}

async function readOnce(fx: SoakFixtures, events: readonly HistoryEvent[], provider: ProviderAdmin): Promise<FinalState> {
  const first = fx.skus[0];
  if (!first) throw new Error("no SKUs");
  const productIds = fx.skus.map((s) => s.productId);
  const { levels, notes } = await withTenant(first.vendorId, async (tx) => ({
    levels: await tx.$queryRaw<{ product_id: string; on_hand: number; reserved: number }[]>`
      SELECT product_id::text, sum(on_hand)::int AS on_hand, sum(reserved)::int AS reserved
      FROM stock_levels WHERE product_id = ANY(${productIds}::uuid[]) GROUP BY product_id`,
    notes: await tx.$queryRaw<{ reference: string }[]>`
      SELECT reference FROM stock_movements
      WHERE product_id = ANY(${productIds}::uuid[]) AND reference LIKE ${`portal: soak-${fx.runId}-%`}`,
  }));
  // Every order of these products, acknowledged or not: an order the client never heard of still sells units.
  const sold = await core().primary.$queryRaw<{ product_id: string; units: number }[]>`
    SELECT i->>'productId' AS product_id, sum((i->>'quantity')::int)::int AS units
    FROM orders o, jsonb_array_elements(o.items) i
    WHERE o.status = ANY(${[...PAID_STATUSES]}) AND i->>'productId' = ANY(${productIds})
    GROUP BY 1`;
  const orderIds = [
    ...new Set(
      events.flatMap((e) => (e.f === "checkout" && e.type === "ok" && typeof e.value.orderId === "string" ? [e.value.orderId] : [])),
    ),
  ];
  const orders = await core().primary.order.findMany({
    where: { id: { in: orderIds } },
    select: { id: true, status: true, version: true },
  });
  const skus: SkuFinal[] = fx.skus.map((s) => {
    const l = levels.find((x) => x.product_id === s.productId);
    return {
      sku: s.sku,
      initialOnHand: s.initialOnHand,
      onHand: l?.on_hand ?? 0,
      reserved: l?.reserved ?? 0,
      soldUnits: sold.find((x) => x.product_id === s.productId)?.units ?? 0,
    };
  });
  const payouts = await core().primary.payout.findMany({
    where: { vendorId: first.vendorId },
    select: { id: true, state: true },
  });
  return {
    skus,
    payouts: new Map(payouts.map((p) => [p.id, p.state])),
    orders: new Map(orders.map((o) => [o.id, { status: o.status, version: o.version }])),
    movementNotes: new Set(notes.map((n) => n.reference.replace(/^portal: /, ""))),
    captures: await captures(provider),
    database: await checkInvariants({ ordersSince: fx.startedAt }),
  };
}
