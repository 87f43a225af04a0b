/** What vendor notices say (pure; the links are vendor portal paths). */
import type { PayoutCompleted } from "@agora/db";
import type { Notice } from "../order-notice.ts";

export function lowStockNotice(p: { title: string; available: number; threshold: number }): Notice {
  return {
    kind: "vendor_low_stock",
    title: `Low stock: ${p.title}`,
    body: `Only ${Math.max(0, p.available)} left (your threshold is ${p.threshold}). Restock it from the Stock page.`,
    link: "/stock",
  };
}

export function formatMoney(amountCents: number, currency: string): string {
  return new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(amountCents / 100);
}

export function payoutNotice(p: PayoutCompleted): Notice {
  const amount = formatMoney(p.amountCents, p.currency);
  return {
    kind: "vendor_payout",
    title: `Payout of ${amount} sent`,
    body: `We paid out ${amount} for the period ending ${p.periodEnd.slice(0, 10)}.`,
    link: "/payouts",
  };
}
