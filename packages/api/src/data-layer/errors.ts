import {
  DatabaseUnavailableError,
  errorChain,
  isVendorMoving,
  unavailableReason,
  VendorMovingError,
} from "@agora/db";
import { TRPCError } from "@trpc/server";
import { TimeoutError } from "./timeout.ts";

/**
 * Maps dependency failures to tRPC errors at the API edge. Returns undefined for anything it does
 * not recognise, so real bugs still surface as INTERNAL_SERVER_ERROR.
 */
export function toTRPCError(cause: unknown): TRPCError | undefined {
  if (cause instanceof TRPCError) return undefined;
  if (cause instanceof DatabaseUnavailableError) {
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: cause.message, cause });
  }
  // A vendor being moved between shards for longer than the writer waited: retry shortly.
  if (isVendorMoving(cause)) {
    const moving = cause instanceof VendorMovingError ? cause : undefined;
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message:
        moving?.message ?? "this shop is being moved between databases; try again in a few seconds",
      cause,
    });
  }
  if (cause instanceof TimeoutError) {
    return new TRPCError({ code: "TIMEOUT", message: cause.message, cause });
  }
  // A driver error that reached us without the data layer's wrapping (e.g. thrown while a client
  // was being created) is classified by the data layer's own rules, not a second list here.
  const reason = unavailableReason(cause);
  if (reason !== undefined) {
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: `database unavailable (${reason})`,
      cause: new DatabaseUnavailableError("unknown", reason, { cause }),
    });
  }
  // Not an outage but a database that is not set up for us yet (fresh topology, migrations not
  // run, wrong credentials): still "unavailable" to the caller, with the reason spelled out.
  const notReady = notReadyReason(cause);
  if (notReady !== undefined) {
    return new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: `database not ready (${notReady})`,
      cause: new DatabaseNotReadyError(notReady, { cause }),
    });
  }
  return undefined;
}

export class DatabaseNotReadyError extends Error {
  readonly code = "DB_NOT_READY";
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`database not ready (${reason})`, options);
  }
}

/** SQLSTATEs, Prisma codes and pg-adapter kinds that mean "not provisioned / not migrated". */
const NOT_READY: Record<string, string> = {
  "28P01": "credentials rejected",
  "28000": "credentials rejected",
  P1000: "credentials rejected",
  AuthenticationFailed: "credentials rejected",
  "3D000": "database does not exist",
  P1003: "database does not exist",
  DatabaseDoesNotExist: "database does not exist",
  "42P01": "tables missing: run the migrations",
  P2021: "tables missing: run the migrations",
  TableDoesNotExist: "tables missing: run the migrations",
};

function notReadyReason(err: unknown): string | undefined {
  for (const o of errorChain(err)) {
    const meta = o.meta && typeof o.meta === "object" ? (o.meta as Record<string, unknown>) : {};
    for (const v of [o.code, o.originalCode, o.kind, meta.code]) {
      if (typeof v === "string" && NOT_READY[v]) return NOT_READY[v];
    }
  }
  return undefined;
}
