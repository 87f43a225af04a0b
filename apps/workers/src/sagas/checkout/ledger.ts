/**
 * Platform ledger postings for a checkout, double-entry: every transaction's debits equal its
 * credits (the database checks it at commit), so the whole ledger always sums to zero.
 *
 * Capture:  debit  payment-clearing (asset: money the provider owes us)        total
 *           credit vendor-payable:<vendor> (liability: owed to each vendor)    subtotal − fee + shipping
 *           credit platform-fee-revenue (revenue)                              Σ fees
 * Refund:   the exact mirror of the capture transaction.
 * Vendor refund (part of one vendor's share): credit payment-clearing, debit that vendor's
 *           payable and the platform fee in proportion, so refunding the whole share mirrors the
 *           vendor's part of the capture exactly.
 */
import { randomUUID } from "node:crypto";
import type { CoreTx, OrderItem, ShippingChoice } from "@agora/orders";

/** Platform commission in basis points of each vendor's subtotal. */
export const PLATFORM_FEE_BPS = 1_000;

interface Leg {
  code: string;
  name: string;
  kind: "asset" | "liability" | "revenue";
  vendorId: string | null;
  direction: "debit" | "credit";
  amountCents: number;
}

/** Shipping is the vendor's cost (they ship), so it goes to their payable without a platform fee. */
export function captureLegs(items: OrderItem[], shipping: ShippingChoice[] = []): Leg[] {
  const subtotals = new Map<string, number>();
  for (const it of items)
    subtotals.set(it.vendorId, (subtotals.get(it.vendorId) ?? 0) + it.quantity * it.unitPriceCents);
  const shippingOf = new Map<string, number>();
  for (const s of shipping)
    shippingOf.set(s.vendorId, (shippingOf.get(s.vendorId) ?? 0) + s.priceCents);
  const total =
    [...subtotals.values()].reduce((a, b) => a + b, 0) +
    [...shippingOf.values()].reduce((a, b) => a + b, 0);
  const legs: Leg[] = [
    {
      code: "payment-clearing",
      name: "Payment provider clearing",
      kind: "asset",
      vendorId: null,
      direction: "debit",
      amountCents: total,
    },
  ];
  let fees = 0;
  for (const [vendorId, subtotal] of [...subtotals.entries()].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    const fee = Math.round((subtotal * PLATFORM_FEE_BPS) / 10_000);
    fees += fee;
    legs.push({
      code: `vendor-payable:${vendorId}`,
      name: `Payable to vendor ${vendorId}`,
      kind: "liability",
      vendorId,
      direction: "credit",
      amountCents: subtotal - fee + (shippingOf.get(vendorId) ?? 0),
    });
  }
  legs.push({
    code: "platform-fee-revenue",
    name: "Platform fees",
    kind: "revenue",
    vendorId: null,
    direction: "credit",
    amountCents: fees,
  });
  // The ledger refuses zero-amount rows (amount_cents > 0); a free order or zero fee has no leg.
  return legs.filter((l) => l.amountCents > 0);
}

/** Writes one balanced ledger transaction inside the caller's core transaction; returns its id. */
export async function postLedgerTransaction(
  tx: CoreTx,
  orderId: string,
  currency: string,
  legs: Leg[],
  memo: string,
): Promise<string> {
  const transactionId = randomUUID();
  for (const leg of legs) {
    // Accounts appear on first use; ON CONFLICT keeps concurrent first uses from racing.
    await tx.$executeRaw`
      INSERT INTO ledger_accounts (code, name, kind, vendor_id, currency)
      VALUES (${leg.code}, ${leg.name}, ${leg.kind}, ${leg.vendorId}::uuid, ${currency})
      ON CONFLICT (code) DO NOTHING`;
  }
  const accounts = await tx.ledgerAccount.findMany({
    where: { code: { in: legs.map((l) => l.code) } },
  });
  const idByCode = new Map(accounts.map((a) => [a.code, a.id]));
  await tx.ledgerEntry.createMany({
    data: legs.map((l) => {
      const accountId = idByCode.get(l.code);
      if (!accountId) throw new Error(`ledger account ${l.code} missing after insert`);
      return {
        transactionId,
        accountId,
        direction: l.direction,
        amountCents: l.amountCents,
        currency,
        orderId,
        memo,
      };
    }),
  });
  return transactionId;
}

/** Cumulative fee share refunded after `refundedCents` of a vendor's share: rounding never drifts. */
function feeRefunded(fee: number, shareCents: number, refundedCents: number): number {
  return shareCents === 0 ? 0 : Math.round((fee * refundedCents) / shareCents);
}

/** Ledger legs of refunding `amountCents` of `vendorId`'s share after `refundedBefore` was refunded. */
export function vendorRefundLegs(
  items: OrderItem[],
  shipping: ShippingChoice[] = [],
  vendorId: string,
  refundedBefore: number,
  amountCents: number,
): Leg[] {
  const subtotal = items
    .filter((i) => i.vendorId === vendorId)
    .reduce((s, i) => s + i.quantity * i.unitPriceCents, 0);
  const share =
    subtotal +
    shipping.filter((s) => s.vendorId === vendorId).reduce((s, c) => s + c.priceCents, 0);
  const fee = Math.round((subtotal * PLATFORM_FEE_BPS) / 10_000);
  const feeNow =
    feeRefunded(fee, share, refundedBefore + amountCents) - feeRefunded(fee, share, refundedBefore);
  const legs: Leg[] = [
    {
      code: "payment-clearing",
      name: "Payment provider clearing",
      kind: "asset",
      vendorId: null,
      direction: "credit",
      amountCents,
    },
    {
      code: `vendor-payable:${vendorId}`,
      name: `Payable to vendor ${vendorId}`,
      kind: "liability",
      vendorId,
      direction: "debit",
      amountCents: amountCents - feeNow,
    },
    {
      code: "platform-fee-revenue",
      name: "Platform fees",
      kind: "revenue",
      vendorId: null,
      direction: "debit",
      amountCents: feeNow,
    },
  ];
  return legs.filter((l) => l.amountCents > 0);
}

export function reverseLegs(legs: Leg[]): Leg[] {
  return legs.map((l) => ({ ...l, direction: l.direction === "debit" ? "credit" : "debit" }));
}
