/** Prometheus metrics of payout settlement and its recovery (`/metrics` of the maintenance pool). */
import { counter, gauge } from "@agora/telemetry";

/** committed | aborted | existing | skipped. */
export const payoutOutcomes = counter<"outcome">({
  name: "payouts_total",
  help: "Payout settlements by outcome",
  labelNames: ["outcome"],
});

/** What recovery did with an in-doubt prepared transaction: committed | rolled_back. */
export const inDoubtResolved = counter<"cluster" | "action">({
  name: "payout_in_doubt_resolved_total",
  help: "In-doubt payout prepared transactions resolved by recovery",
  labelNames: ["cluster", "action"],
});

/** Prepared `payout:*` transactions still in doubt after the last recovery run, per cluster. */
export const inDoubt = gauge<"cluster">({
  name: "payout_in_doubt_transactions",
  help: "Prepared payout transactions left in doubt after the last recovery run",
  labelNames: ["cluster"],
});
