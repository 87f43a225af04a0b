/**
 * The REST API's one error shape: `{ "error": { "code", "message", "details"?, "traceId" } }` with
 * the HTTP status that says what happened (401 who are you, 403 not allowed, 404 not yours or not
 * there, 409 conflicting retry, 422 bad input, 429 slow down). Codes are stable upper-case words a
 * client can switch on; messages are for people.
 */
import { currentTraceId } from "../../errors/public-error.ts";

export type ApiErrorCode =
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "IDEMPOTENCY_KEY_REUSED"
  | "INVALID_REQUEST"
  | "INSUFFICIENT_STOCK"
  | "RATE_LIMITED"
  | "UNAVAILABLE";

const STATUS: Record<ApiErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 422,
  INVALID_REQUEST: 422,
  INSUFFICIENT_STOCK: 409,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
    this.status = STATUS[code];
  }
}

export function errorResponse(err: ApiError): Response {
  const body = {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details === undefined ? {} : { details: err.details }),
      traceId: currentTraceId(),
    },
  };
  const headers: Record<string, string> = { ...err.headers };
  if (err.status === 401) headers["www-authenticate"] = 'Bearer realm="agora-vendor-api"';
  return Response.json(body, { status: err.status, headers });
}
