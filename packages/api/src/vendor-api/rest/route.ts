/**
 * One REST endpoint of the vendor API as a route handler: authenticate the bearer credential (401),
 * count the call against the key's own rate limit (429 + Retry-After), check the endpoint's scope
 * (403), validate path, query and JSON body with zod (422), then run the handler in the caller's
 * tenant. Anything the handler refuses on purpose is an ApiError with its status; a TRPCError
 * from the shared domain code is mapped to the same statuses; anything else escapes to the app's
 * `guardedRoute` (a stable 500 with the trace id, the cause in the log).
 */
import {
  createRateLimiter,
  type RateLimiter,
  RateLimiterUnavailableError,
  retryAfterSeconds,
} from "@agora/resilience";
import { TRPCError } from "@trpc/server";
import { z, type ZodType } from "zod";
import { apiRedis } from "../../cache/redis-connection.ts";
import { containsNul } from "../../input/nul-characters.ts";
import { type ApiCaller, authenticateCaller } from "../keys/authenticate.ts";
import type { ApiScope } from "../keys/scopes.ts";
import { ApiError, errorResponse } from "./api-error.ts";

/** The largest JSON body an endpoint reads (a stock update is ~100 bytes). */
export const MAX_BODY_BYTES = 16 * 1024;

export interface EndpointInput<P, Q, B> {
  caller: ApiCaller;
  params: P;
  query: Q;
  body: B;
  headers: Headers;
  method: string;
  path: string;
}

export interface EndpointAnswer {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface EndpointSpec<P extends ZodType, Q extends ZodType, B extends ZodType> {
  scope: ApiScope;
  params?: P;
  query?: Q;
  body?: B;
  handle(input: EndpointInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<EndpointAnswer>;
}

type NextContext = { params?: Promise<Record<string, string | string[] | undefined>> } | undefined;

const limiters = new Map<number, RateLimiter>();

/** The per-key sliding window; one limiter object per distinct limit, keys `rl:vendor-api:key:<id>`. */
function keyLimiter(perMinute: number): RateLimiter {
  let l = limiters.get(perMinute);
  if (!l) {
    l = createRateLimiter({
      redis: apiRedis(),
      scope: "vendor-api:key",
      limit: perMinute,
      windowMs: 60_000,
      // A vendor integration is authenticated and attributable: while Redis cannot count, its
      // calls go on unlimited rather than failing the shop's stock sync.
      failOpen: true,
    });
    limiters.set(perMinute, l);
  }
  return l;
}

async function enforceKeyLimit(caller: ApiCaller): Promise<Record<string, string>> {
  let result;
  try {
    result = await keyLimiter(caller.rateLimitPerMinute).consume(caller.keyId);
  } catch (err) {
    if (err instanceof RateLimiterUnavailableError)
      throw new ApiError("UNAVAILABLE", "Rate limiting is unavailable; retry shortly.", undefined, {
        "retry-after": "5",
      });
    throw err;
  }
  const headers = {
    "ratelimit-limit": String(result.limit),
    "ratelimit-remaining": String(Math.max(0, result.remaining)),
  };
  if (!result.allowed) {
    const after = retryAfterSeconds(result);
    throw new ApiError(
      "RATE_LIMITED",
      `This key may make ${caller.rateLimitPerMinute} requests a minute; retry in ${after} s.`,
      { retryAfterSeconds: after },
      { ...headers, "retry-after": String(after) },
    );
  }
  return headers;
}

function invalid(where: string, error: z.ZodError): ApiError {
  return new ApiError("INVALID_REQUEST", `Invalid ${where}.`, {
    issues: error.issues.map((i) => ({
      path: [where, ...i.path.map(String)].join("."),
      message: i.message,
    })),
  });
}

function parse<T extends ZodType>(
  schema: T | undefined,
  value: unknown,
  where: string,
): z.output<T> {
  if (!schema) return undefined as z.output<T>;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalid(where, parsed.error);
  return parsed.data;
}

async function readJson(req: Request): Promise<unknown> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/json")
    throw new ApiError("INVALID_REQUEST", "Send the body as application/json.");
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES)
    throw new ApiError("INVALID_REQUEST", `The body may be at most ${MAX_BODY_BYTES} bytes.`);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body)
    for await (const chunk of req.body) {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES)
        throw new ApiError("INVALID_REQUEST", `The body may be at most ${MAX_BODY_BYTES} bytes.`);
      chunks.push(chunk);
    }
  const text = new TextDecoder("utf-8", { fatal: false }).decode(Buffer.concat(chunks));
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    if (err instanceof SyntaxError)
      throw new ApiError("INVALID_REQUEST", "The body is not valid JSON.");
    throw err;
  }
}

/** The shared domain code speaks tRPC; the REST API answers the same refusals with its statuses. */
function fromTrpc(err: TRPCError): ApiError | null {
  const cause = err.cause as { code?: unknown; details?: unknown } | undefined;
  if (cause?.code === "INSUFFICIENT_STOCK")
    return new ApiError("INSUFFICIENT_STOCK", err.message, cause.details);
  switch (err.code) {
    case "NOT_FOUND":
      return new ApiError("NOT_FOUND", err.message);
    case "CONFLICT":
      return new ApiError("CONFLICT", err.message);
    case "BAD_REQUEST":
      return new ApiError("INVALID_REQUEST", err.message);
    case "FORBIDDEN":
      return new ApiError("FORBIDDEN", err.message);
    case "SERVICE_UNAVAILABLE":
      return new ApiError("UNAVAILABLE", err.message, undefined, { "retry-after": "5" });
    default:
      return null;
  }
}

export function vendorApiEndpoint<P extends ZodType, Q extends ZodType, B extends ZodType>(
  spec: EndpointSpec<P, Q, B>,
): (req: Request, ctx?: NextContext) => Promise<Response> {
  return async (req, ctx) => {
    let rateHeaders: Record<string, string> = {};
    try {
      const caller = await authenticateCaller(req.headers.get("authorization"));
      rateHeaders = await enforceKeyLimit(caller);
      if (!caller.scopes.includes(spec.scope))
        throw new ApiError("FORBIDDEN", `This credential lacks the ${spec.scope} scope.`, {
          required: spec.scope,
        });
      const url = new URL(req.url);
      const rawParams = (await ctx?.params) ?? {};
      const rawQuery = Object.fromEntries(url.searchParams);
      const rawBody = spec.body ? await readJson(req) : undefined;
      if (containsNul(rawParams) || containsNul(rawQuery) || containsNul(rawBody))
        throw new ApiError("INVALID_REQUEST", "Text must not contain NUL characters.");
      const answer = await spec.handle({
        caller,
        params: parse(spec.params, rawParams, "path"),
        query: parse(spec.query, rawQuery, "query"),
        body: parse(spec.body, rawBody, "body"),
        headers: req.headers,
        method: req.method,
        path: url.pathname,
      });
      return Response.json(answer.body, {
        status: answer.status ?? 200,
        headers: { ...rateHeaders, ...answer.headers },
      });
    } catch (err) {
      const apiError =
        err instanceof ApiError ? err : err instanceof TRPCError ? fromTrpc(err) : null;
      if (!apiError) throw err;
      const response = errorResponse(apiError);
      for (const [k, v] of Object.entries(rateHeaders))
        if (!response.headers.has(k)) response.headers.set(k, v);
      return response;
    }
  };
}
