import { ORDER_RESYNC_MS } from "@agora/api/live";
/** How hard and how long each kind of scenario runs: the full bench, or `--quick` for a CI smoke. */
export interface LoadShape {
  connections: number;
  durationS: number;
  maxRequests: number;
}

/**
 * The soak: a steady, bounded mixed load (cached catalog reads at a fixed rate, one checkout every
 * few seconds) for `minutes` after a warm-up that is not counted, every process's RSS sampled.
 */
export interface SoakShape {
  minutes: number;
  warmupS: number;
  sampleEveryS: number;
  /** Cached reads per second over all read connections. */
  readsPerSecond: number;
  readConnections: number;
  secondsPerOrder: number;
  /** Checkouts under way at once, at most. */
  maxOrdersInFlight: number;
}

/** `--soak-minutes` at most: the soak stays bounded however it is asked. */
export const SOAK_MAX_MINUTES = 60;

export class SoakOptionsError extends Error {
  readonly code = "SOAK_OPTIONS_INVALID";
}

/** `--checkout-bound` at most: 200 shoppers in line on a 2-core box need minutes, not hours. */
export const CHECKOUT_MAX_BOUND_S = 900;

export class CheckoutOptionsError extends Error {
  readonly code = "CHECKOUT_OPTIONS_INVALID";
}

export interface BenchPlan {
  mode: "full" | "quick";
  /** Cached reads and the ceiling: issue 12 compares them at 100 connections. */
  reads: LoadShape;
  /** Storefront HTML pages (server-rendered, heavier per request). */
  html: LoadShape;
  /** Signed-in cart writes. */
  cart: LoadShape;
  /** Signed-in sessions the cart load rotates through (the per-user write limit is per minute). */
  cartSessions: number;
  /** A simulated anonymous client makes this many requests, then the connection becomes another client. */
  requestsPerClient: number;
  checkout: { shoppers: number; prepareConcurrency: number; resyncMs: number; timeoutS: number };
  idleWindowS: number;
  /** First-range requests per video start scenario (one at a time). */
  videoStartSamples: number;
  soak: SoakShape;
}

export const FULL_PLAN: BenchPlan = {
  mode: "full",
  reads: { connections: 100, durationS: 10, maxRequests: 200_000 },
  html: { connections: 10, durationS: 10, maxRequests: 20_000 },
  cart: { connections: 10, durationS: 10, maxRequests: 20_000 },
  cartSessions: 40,
  requestsPerClient: 50,
  checkout: { shoppers: 200, prepareConcurrency: 8, resyncMs: ORDER_RESYNC_MS, timeoutS: 120 },
  idleWindowS: 60,
  videoStartSamples: 20,
  soak: {
    minutes: 10,
    warmupS: 60,
    sampleEveryS: 30,
    readsPerSecond: 30,
    readConnections: 4,
    secondsPerOrder: 3,
    maxOrdersInFlight: 4,
  },
};

export const QUICK_PLAN: BenchPlan = {
  mode: "quick",
  reads: { connections: 10, durationS: 2, maxRequests: 2_000 },
  html: { connections: 2, durationS: 2, maxRequests: 200 },
  cart: { connections: 2, durationS: 2, maxRequests: 200 },
  cartSessions: 2,
  requestsPerClient: 50,
  checkout: { shoppers: 3, prepareConcurrency: 3, resyncMs: ORDER_RESYNC_MS, timeoutS: 60 },
  idleWindowS: 5,
  videoStartSamples: 5,
  soak: {
    minutes: 1,
    warmupS: 15,
    sampleEveryS: 10,
    readsPerSecond: 30,
    readConnections: 4,
    secondsPerOrder: 3,
    maxOrdersInFlight: 4,
  },
};

export function planFor(opts: {
  quick: boolean;
  shoppers?: number;
  connections?: number;
  durationS?: number;
  /** The idle scenario's window (s): 2–3 minutes give CPU seconds per process that compare on a busy box. */
  idleWindowS?: number;
  /** The soak's measured minutes (after its warm-up), at most SOAK_MAX_MINUTES. */
  soakMinutes?: number;
  /** How long the checkout scenario follows its shoppers (s), at most CHECKOUT_MAX_BOUND_S. */
  checkoutBoundS?: number;
}): BenchPlan {
  const base = opts.quick ? QUICK_PLAN : FULL_PLAN;
  if (
    opts.soakMinutes !== undefined &&
    !(
      Number.isInteger(opts.soakMinutes) &&
      opts.soakMinutes > 0 &&
      opts.soakMinutes <= SOAK_MAX_MINUTES
    )
  )
    throw new SoakOptionsError(
      `the soak runs 1–${SOAK_MAX_MINUTES} minutes, not ${opts.soakMinutes}`,
    );
  if (opts.checkoutBoundS !== undefined && opts.checkoutBoundS > CHECKOUT_MAX_BOUND_S)
    throw new CheckoutOptionsError(
      `the checkout follows its shoppers at most ${CHECKOUT_MAX_BOUND_S} s, not ${opts.checkoutBoundS}`,
    );
  return {
    ...base,
    reads: {
      ...base.reads,
      ...(opts.connections ? { connections: opts.connections } : {}),
      ...(opts.durationS ? { durationS: opts.durationS } : {}),
    },
    checkout: {
      ...base.checkout,
      ...(opts.shoppers ? { shoppers: opts.shoppers } : {}),
      ...(opts.checkoutBoundS ? { timeoutS: opts.checkoutBoundS } : {}),
    },
    ...(opts.idleWindowS ? { idleWindowS: opts.idleWindowS } : {}),
    soak: { ...base.soak, ...(opts.soakMinutes ? { minutes: opts.soakMinutes } : {}) },
  };
}
