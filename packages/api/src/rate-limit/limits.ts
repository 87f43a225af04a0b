/**
 * THE API rate-limit table: one row per class of call, a limit for anonymous callers (per IP) and
 * one for signed-in users (per user id). Reads are generous (a page render makes several calls);
 * writes are tighter; checkout and reviews tightest. The HAProxy edge in front keeps only a coarse
 * flood guard per address (FLOOD_LIMIT requests per 10 s, infra/local config/haproxy.ts): these are
 * the limits a client meets in practice.
 */
export type RateClass = "read" | "write" | "review" | "checkout";

export interface Limit {
  limit: number;
  windowMs: number;
}

export const RATE_LIMITS: Readonly<
  Record<RateClass, { anonymous: Limit; user: Limit; failOpen: boolean }>
> = {
  read: {
    anonymous: { limit: 1_200, windowMs: 60_000 },
    user: { limit: 2_400, windowMs: 60_000 },
    failOpen: true,
  },
  write: {
    anonymous: { limit: 60, windowMs: 60_000 },
    user: { limit: 120, windowMs: 60_000 },
    failOpen: true,
  },
  review: {
    anonymous: { limit: 5, windowMs: 10 * 60_000 },
    user: { limit: 5, windowMs: 10 * 60_000 },
    failOpen: true,
  },
  // Card-testing abuse: refuse rather than admit unchecked when Redis cannot answer.
  checkout: {
    anonymous: { limit: 10, windowMs: 10 * 60_000 },
    user: { limit: 10, windowMs: 10 * 60_000 },
    failOpen: false,
  },
};

/** Procedures with their own class; everything else is `read` (queries) or `write` (mutations). */
const BY_PATH: Readonly<Record<string, RateClass>> = {
  "reviews.create": "review",
  "checkout.place": "checkout",
};

export function rateClassOf(path: string, type: "query" | "mutation" | "subscription"): RateClass {
  return BY_PATH[path] ?? (type === "mutation" ? "write" : "read");
}

/**
 * Procedures that count their own class at the point where an attempt really starts, instead of
 * on every call. `checkout.place`: a shopper waiting in the checkout line (admission control) asks
 * again and again with the same key; only an admitted attempt — one that can reach the payment
 * provider — counts against the checkout limit (card testing). Every call of theirs still counts
 * as a `write` in the middleware.
 */
const COUNTED_IN_PROCEDURE: ReadonlySet<string> = new Set(["checkout.place"]);

/** The class the middleware counts for a call (see COUNTED_IN_PROCEDURE). */
export function callClassOf(path: string, type: "query" | "mutation" | "subscription"): RateClass {
  if (COUNTED_IN_PROCEDURE.has(path)) return type === "mutation" ? "write" : "read";
  return rateClassOf(path, type);
}

/**
 * Who is calling: the user when signed in, else the client IP. Only the hop the edge wrote is
 * trusted: the HAProxy edge replaces X-Forwarded-For with the connection's source address (and a
 * proxy that appends puts its peer last), so the last hop is the edge's, every earlier one the
 * client's own claim. X-Real-IP is the client's to send, so it is ignored. The apps are reachable
 * only through the edge (in Kubernetes the network policy admits only the ingress); without a
 * forwarding header (in-process calls) the caller is "local".
 */
export function rateSubject(
  headers: Headers,
  userId: string | null | undefined,
): { kind: "user" | "anonymous"; id: string } {
  if (userId) return { kind: "user", id: userId };
  return { kind: "anonymous", id: clientAddress(headers) };
}

/** The client address the edge wrote (see rateSubject), or "local" without one. */
export function clientAddress(headers: Headers): string {
  return headers.get("x-forwarded-for")?.split(",").at(-1)?.trim() || "local";
}

/**
 * Sign-in attempts (next-auth Credentials, checked before the password): per account, so one
 * account's password cannot be guessed from many addresses, and per client address, so one
 * address cannot try many accounts. Fail closed: while Redis cannot count, sign-in is refused.
 */
export const SIGN_IN_LIMITS = {
  account: { limit: 10, windowMs: 15 * 60_000 },
  address: { limit: 50, windowMs: 15 * 60_000 },
} as const;
