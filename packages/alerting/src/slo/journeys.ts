/**
 * The user journeys Agora keeps an availability SLO for, and which tRPC procedures make each one.
 * A request is bad only when the server failed it (internal error, unavailable, timeout); a client
 * error (bad input, not found, conflict, rate limited) is the product working as designed.
 */
export const JOURNEYS = ["browse", "checkout", "vendor-stock"] as const;
export type Journey = (typeof JOURNEYS)[number];

export interface JourneySlo {
  journey: Journey;
  title: string;
  objective: number;
  /** Procedure path prefixes (`catalog.` matches `catalog.product`). */
  procedures: readonly string[];
}

export const JOURNEY_SLOS: readonly JourneySlo[] = [
  { journey: "browse", title: "Shoppers browse and search", objective: 0.999, procedures: ["catalog.", "search."] },
  { journey: "checkout", title: "Shoppers fill a cart and check out", objective: 0.999, procedures: ["cart.", "checkout."] },
  {
    journey: "vendor-stock",
    title: "Vendors manage stock",
    objective: 0.999,
    procedures: ["vendor.stock.", "vendor.warehouses."],
  },
];

/** tRPC error codes that count against availability. */
export const SERVER_FAILURE_CODES = ["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"] as const;

/** The journey a procedure belongs to, if any (most procedures belong to none). */
export function journeyOf(procedure: string): Journey | undefined {
  return JOURNEY_SLOS.find((s) => s.procedures.some((p) => procedure.startsWith(p)))?.journey;
}

/** Whether one `agora_trpc_requests_total` series counts as a bad event. */
export function isServerFailure(labels: Record<string, string | undefined>): boolean {
  return labels.status === "error" && (SERVER_FAILURE_CODES as readonly string[]).includes(labels.error ?? "");
}

/** The PromQL regex for a journey's procedures (`catalog\\..*|search\\..*`). */
export function procedureRegex(slo: JourneySlo): string {
  return slo.procedures.map((p) => `${p.replaceAll(".", "\\\\.")}.*`).join("|");
}
