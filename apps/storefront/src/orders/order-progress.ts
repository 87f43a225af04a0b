/**
 * The shopper's view of an order's life: the saga's statuses folded into a few milestones, then
 * the vendors' shipments. Pure, so the page and its tests agree on what "reached" means.
 */

export interface Milestone {
  key: string;
  label: string;
}

export const MILESTONES: readonly Milestone[] = [
  { key: "PENDING", label: "Order placed" },
  { key: "STOCK_RESERVED", label: "Items reserved" },
  { key: "PAYMENT_AUTHORIZED", label: "Payment authorized" },
  { key: "CONFIRMED", label: "Confirmed" },
  { key: "SHIPPED", label: "Shipped" },
  { key: "DELIVERED", label: "Delivered" },
];

const RANK: Record<string, number> = {
  PENDING: 0,
  STOCK_RESERVED: 1,
  PAYMENT_AUTHORIZED: 2,
  CONFIRMED: 3,
  CAPTURED: 3,
  READY_FOR_FULFILMENT: 3,
  FULFILLING: 3,
  SHIPPED: 4,
  DELIVERED: 5,
};

const FAILED = new Set(["FAILED", "CANCELLED", "COMPENSATING"]);

/** How far the order got: index into MILESTONES of the last one reached (-1 before any). */
export function reachedMilestone(
  status: string,
  vendorStatuses: string[],
  timelineStatuses: string[],
): number {
  const vendors = vendorStatuses.map((s) => s.toUpperCase());
  if (status === "DELIVERED") return 5;
  if (vendors.length > 0 && vendors.every((s) => s === "DELIVERED")) return 5;
  if (vendors.some((s) => s === "SHIPPED" || s === "DELIVERED")) return 4;
  if (!FAILED.has(status)) return RANK[status] ?? 0;
  // A failed order shows how far it got before failing.
  return Math.max(0, ...timelineStatuses.map((s) => RANK[s] ?? 0));
}

export function isFailed(status: string): boolean {
  return FAILED.has(status);
}

export function isSettled(status: string, vendorStatuses: string[]): boolean {
  if (status === "FAILED" || status === "CANCELLED" || status === "DELIVERED") return true;
  return vendorStatuses.length > 0 && vendorStatuses.every((s) => s.toUpperCase() === "DELIVERED");
}
