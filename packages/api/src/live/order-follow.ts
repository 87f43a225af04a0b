/**
 * How a live view of one order stays right although pushes are at most once on the wire (a push
 * made while a tab is reconnecting, or before it joined the room, is gone): the view re-reads
 * whenever a push announces a version it has not shown — including the snapshot the gateway sends
 * on every (re)subscribe, which covers whatever was missed — and, while the order can still
 * change, on a slow timer. Together that is at-least-once for the state the shopper sees.
 * Browser-safe: shared by the storefront's order page and the delivery tests.
 */
import type { OrderPush } from "./protocol.ts";

/** Re-read cadence while the order is not settled: the backstop when every push is lost. */
export const ORDER_RESYNC_MS = 10_000;

/**
 * The version the next read must reach after `push`, or null when the view already shows (or
 * has already asked for) that version. A push that skips versions needs nothing special: the
 * read returns the whole order at that version or later.
 */
export function versionToRead(
  shown: number | undefined,
  requested: number | undefined,
  push: OrderPush,
): number | null {
  return push.version > Math.max(shown ?? 0, requested ?? 0) ? push.version : null;
}
