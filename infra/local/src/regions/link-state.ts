/**
 * The region link's state as an operator sets it, and what that means for each direction of every
 * connection crossing it (the fault proxy's vocabulary). `us → eu` is "up" (the us side dials).
 *
 *   healthy   latency only: half the round trip each way (80 ms round trip by default)
 *   cut       a full partition: nothing crosses, open connections are cut, new ones hang
 *   one-way   us → eu is lost, eu → us still arrives (requests from us never land; the
 *             replication stream, which eu sends, keeps flowing until its own timeouts notice)
 *   flaky     the latency with jitter, a quarter of new connections reset, open ones cut at random
 *
 * The witness (etcd's third member, docs/adr/0010 "The witness") has a link to each region of its
 * own, `healthy` (WITNESS_RTT_MS) or `cut`: `witness: { eu: "cut" }` together with a cut between the
 * regions isolates eu from both other sites (the automatic promotion's case).
 */
import { z } from "zod";
import { NO_PROXY_FAULT, type ProxyFault, proxyFaultSchema } from "../chaos/fault-proxy.ts";
import type { Location, RegionName } from "../topology.ts";

export const LINK_MODES = ["healthy", "cut", "one-way", "flaky"] as const;
export type LinkMode = (typeof LINK_MODES)[number];

export const DEFAULT_LINK_RTT_MS = 80;
/** Round trip between the witness and either region: it sits between them. */
export const WITNESS_RTT_MS = 40;

export const WITNESS_LINK_MODES = ["healthy", "cut"] as const;
const witnessLinks = z.strictObject({
  eu: z.enum(WITNESS_LINK_MODES).default("healthy"),
  us: z.enum(WITNESS_LINK_MODES).default("healthy"),
});

export const linkStateSchema = z.strictObject({
  mode: z.enum(LINK_MODES).default("healthy"),
  /** Round trip the link adds (split evenly over both directions). */
  rttMs: z.number().int().min(0).max(10_000).default(DEFAULT_LINK_RTT_MS),
  /** Each region's link to the witness. */
  witness: witnessLinks.default({ eu: "healthy", us: "healthy" }),
});
export type LinkState = z.infer<typeof linkStateSchema>;

/**
 * A change: any field may be left out (a mode keeps the latency, a latency keeps the mode), and
 * so may either witness link.
 */
export const linkChangeSchema = z.strictObject({
  mode: z.enum(LINK_MODES).optional(),
  rttMs: linkStateSchema.shape.rttMs.unwrap().optional(),
  witness: witnessLinks.partial().optional(),
});
export type LinkChange = z.infer<typeof linkChangeSchema>;

export const HEALTHY_LINK: LinkState = linkStateSchema.parse({});

/** The fault every listener of the link applies in `state`. */
export function linkFault(state: Pick<LinkState, "mode" | "rttMs">): ProxyFault {
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

/** `state` with `change` applied (a witness change keeps the other region's witness link). */
export function applyLinkChange(state: LinkState, change: LinkChange): LinkState {
  return {
    mode: change.mode ?? state.mode,
    rttMs: change.rttMs ?? state.rttMs,
    witness: { ...state.witness, ...change.witness },
  };
}

/**
 * The fault on a connection dialled from `from` to a server in `to`. linkFault speaks from us's side
 * (us dials eu: "up" is us → eu); on a connection eu dials, us → eu is what comes back ("down").
 */
export function pairFault(state: LinkState, from: Location, to: Location): ProxyFault {
  if (from === to) return NO_PROXY_FAULT;
  if (from === "witness" || to === "witness") {
    const region = (from === "witness" ? to : from) as RegionName;
    const base = proxyFaultSchema.parse({ latencyMs: Math.round(WITNESS_RTT_MS / 2) });
    return state.witness[region] === "cut" ? { ...base, blackhole: true } : base;
  }
  const f = linkFault(state);
  return from === "eu" && f.block === "up" ? { ...f, block: "down" } : f;
}
