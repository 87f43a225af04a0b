/**
 * Every tRPC procedure call as one span (`trpc <path>`, `rpc.method` = path, `agora.outcome` =
 * ok or the TRPCError code) and as RED metrics (`agora_trpc_duration_seconds`,
 * `agora_trpc_requests_total` by procedure, status and error code), plus the calls in flight
 * (`agora_trpc_in_flight_requests`, a storefront autoscaling metric). The span is active while the
 * handler runs, so pg/Redis/fetch/BullMQ spans below it join the caller's trace.
 */
import { callStarted } from "@agora/registry/drain";
import { resilienceMetrics } from "@agora/resilience";
import { exposeRegistry, gauge, inSpan, redMetrics, SpanKind } from "@agora/telemetry";
import { TRPCError } from "@trpc/server";

// Breakers, bulkheads and rate limiters of this process appear on its /metrics too.
exposeRegistry(resilienceMetrics);

const red = redMetrics("trpc");
// Per instance: the HPA's Pods metric for the storefront (infra/k8s/src/scaling.ts).
const inFlight = gauge({ name: "trpc_in_flight_requests", help: "tRPC calls being handled now" });

interface MiddlewareResult {
  ok: boolean;
  error?: unknown;
}

/** Thrown inside the span so it records status ERROR; unwrapped again before tRPC sees it. */
class ProcedureFailed extends Error {
  constructor(readonly result: MiddlewareResult, code: string) {
    super(code);
    this.name = code;
  }
}

export async function observeProcedure<R extends MiddlewareResult>(
  call: { path: string; type: string; userId?: string | null; tenant?: string | null },
  next: () => Promise<R>,
): Promise<R> {
  const stop = red.duration.startTimer({ procedure: call.path });
  const attributes = {
    "rpc.system": "trpc",
    "rpc.method": call.path,
    "rpc.trpc.type": call.type,
    ...(call.userId ? { "enduser.id": call.userId } : {}),
    ...(call.tenant ? { "agora.tenant": call.tenant } : {}),
  };
  inFlight.inc();
  // Counted for the drain too (a stopping instance waits for its calls; @agora/registry/drain).
  const ended = callStarted();
  try {
    const result = await inSpan(`trpc ${call.path}`, { kind: SpanKind.SERVER, attributes }, async (span) => {
      const r = await next();
      if (!r.ok) {
        const code = r.error instanceof TRPCError ? r.error.code : "INTERNAL_SERVER_ERROR";
        span.setAttribute("rpc.trpc.error_code", code);
        // Client errors (bad input, not found) are outcomes, not failures worth keeping a trace for.
        if (code === "INTERNAL_SERVER_ERROR" || code === "SERVICE_UNAVAILABLE" || code === "TIMEOUT") {
          throw new ProcedureFailed(r, code);
        }
      }
      return r;
    });
    record(call.path, result, stop);
    return result;
  } catch (err) {
    if (err instanceof ProcedureFailed) {
      record(call.path, err.result, stop);
      return err.result as R;
    }
    throw err;
  } finally {
    inFlight.dec();
    ended();
  }
}

function record(
  procedure: string,
  result: MiddlewareResult,
  stop: (labels: { status: "ok" | "error" }) => void,
): void {
  if (result.ok) {
    stop({ status: "ok" });
    red.requests.inc({ procedure, status: "ok" });
    return;
  }
  stop({ status: "error" });
  const code = result.error instanceof TRPCError ? result.error.code : "INTERNAL_SERVER_ERROR";
  red.requests.inc({ procedure, status: "error", error: code });
}
