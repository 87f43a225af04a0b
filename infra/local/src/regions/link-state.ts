/**
 * The region link's state as an operator sets it, and what that means for each direction of every
 * connection crossing it (the fault proxy's vocabulary). `us → eu` is "up" (the us side dials).
 *
 *   healthy   latency only: half the round trip each way (80 ms round trip by default)
 *   cut       a full partition: nothing crosses, open connections are cut, new ones hang
 *   one-way   us → eu is lost, eu → us still arrives (requests from us never land; the
 *             replication stream, which eu sends, keeps flowing until its own timeouts notice)
 *   flaky     the latency with jitter, a quarter of new connections reset, open ones cut at random
 */
import { z } from "zod";
import { type ProxyFault, proxyFaultSchema } from "../chaos/fault-proxy.ts";

export const LINK_MODES = ["healthy", "cut", "one-way", "flaky"] as const;
export type LinkMode = (typeof LINK_MODES)[number];

export const DEFAULT_LINK_RTT_MS = 80;

export const linkStateSchema = z.strictObject({
  mode: z.enum(LINK_MODES).default("healthy"),
  /** Round trip the link adds (split evenly over both directions). */
  rttMs: z.number().int().min(0).max(10_000).default(DEFAULT_LINK_RTT_MS),
});
export type LinkState = z.infer<typeof linkStateSchema>;

/** A change: either field may be left out (a mode keeps the latency, a latency keeps the mode). */
export const linkChangeSchema = linkStateSchema.partial();
export type LinkChange = z.infer<typeof linkChangeSchema>;

export const HEALTHY_LINK: LinkState = linkStateSchema.parse({});

/** The fault every listener of the link applies in `state`. */
export function linkFault(state: LinkState): ProxyFault {
  const oneWayMs = Math.round(state.rttMs / 2);
  const base = proxyFaultSchema.parse({ latencyMs: oneWayMs });
  switch (state.mode) {
    case "healthy":
      return base;
    case "cut":
      return { ...base, blackhole: true };
    case "one-way":
      return { ...base, block: "up" };
    case "flaky":
      return { ...base, jitterMs: Math.max(20, oneWayMs), dropRate: 0.25, cutPerSecond: 0.05 };
  }
}
