/**
 * The routing decision, pure: which providers may take a payment, in which order. A provider that
 * cannot settle the currency is out; the rest are ordered by health (closed breaker, then
 * half-open, then open: an open one is tried last, where it fails at once without a call) and,
 * within the same health, by what the payment would cost there (fixed fee + basis points), then by
 * name so the decision is deterministic.
 */
import type { BreakerState } from "@agora/resilience";
import type { ProviderName } from "../providers/provider-adapter.ts";

export interface ProviderProfile {
  name: ProviderName;
  /** Upper-case ISO 4217 codes, or "any". */
  currencies: readonly string[] | "any";
  feeBps: number;
  fixedFeeCents: number;
}

export interface RouteCandidate {
  name: ProviderName;
  health: BreakerState;
  feeCents: number;
}

export interface RouteDecision {
  /** Try in this order; empty when no provider settles the currency. */
  candidates: RouteCandidate[];
  excluded: { name: ProviderName; reason: "currency_unsupported" }[];
}

const HEALTH_RANK: Record<BreakerState, number> = { closed: 0, "half-open": 1, open: 2 };

/** What taking `amountCents` costs at a provider, in cents (rounded half up, like the invoices). */
export function feeCents(
  p: Pick<ProviderProfile, "feeBps" | "fixedFeeCents">,
  amountCents: number,
): number {
  return p.fixedFeeCents + Math.round((amountCents * p.feeBps) / 10_000);
}

export function chooseProviders(
  payment: { amountCents: number; currency: string },
  profiles: readonly ProviderProfile[],
  health: (name: ProviderName) => BreakerState,
): RouteDecision {
  const currency = payment.currency.toUpperCase();
  const excluded: RouteDecision["excluded"] = [];
  const candidates: RouteCandidate[] = [];
  for (const p of profiles) {
    if (p.currencies !== "any" && !p.currencies.includes(currency)) {
      excluded.push({ name: p.name, reason: "currency_unsupported" });
      continue;
    }
    candidates.push({
      name: p.name,
      health: health(p.name),
      feeCents: feeCents(p, payment.amountCents),
    });
  }
  candidates.sort(
    (a, b) =>
      HEALTH_RANK[a.health] - HEALTH_RANK[b.health] ||
      a.feeCents - b.feeCents ||
      a.name.localeCompare(b.name),
  );
  return { candidates, excluded };
}
