/**
 * What a caller is told about a failure nobody meant to answer with (a bug, a driver error that
 * no mapping recognised): one stable sentence and the request's trace id, never the cause's own
 * text (SQL, Prisma codes, stack frames, file paths). The cause is logged under the same trace id,
 * so the id a user quotes finds it.
 */
import { currentTraceContext } from "@agora/telemetry";

export const INTERNAL_ERROR_MESSAGE = "Something went wrong on our side.";

/** The trace id of the request being handled, or null outside one. */
export function currentTraceId(): string | null {
  return currentTraceContext()?.traceId ?? null;
}

export function internalErrorMessage(traceId: string | null): string {
  return traceId
    ? `${INTERNAL_ERROR_MESSAGE} Quote trace id ${traceId} if you report it.`
    : INTERNAL_ERROR_MESSAGE;
}

/** The JSON body of a route handler's 500. */
export function internalErrorBody(traceId = currentTraceId()): {
  error: string;
  traceId: string | null;
} {
  return { error: internalErrorMessage(traceId), traceId };
}

/**
 * A domain error's `code` as clients may see it: upper-case words only (DB_UNAVAILABLE, TIMEOUT).
 * Driver codes on a cause (SQLSTATE 23505, Prisma P2002) are never passed on; the formatter asks
 * only for errors it answers on purpose (not INTERNAL_SERVER_ERROR), whose causes are ours.
 */
export function publicDomainCode(cause: unknown): string | null {
  if (!(cause instanceof Error) || !("code" in cause) || typeof cause.code !== "string")
    return null;
  return /^[A-Z]+(?:_[A-Z]+)*$/.test(cause.code) ? cause.code : null;
}
