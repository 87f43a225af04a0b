/**
 * Applies the rate-limit table to one call: one Redis sliding-window limiter per (class, caller
 * kind), created on first use over the API's shared Sentinel connection.
 */
import { counter } from "@agora/telemetry";
import {
  createRateLimiter,
  type RateLimiter,
  RateLimiterUnavailableError,
  retryAfterSeconds,
} from "@agora/resilience";
import { TRPCError } from "@trpc/server";
import { apiRedis } from "../cache/redis-connection.ts";
import { callClassOf, RATE_LIMITS, type RateClass, rateSubject } from "./limits.ts";

export const rateLimitRejections = counter<"class" | "subject">({
  name: "rate_limit_rejections_total",
  help: "API calls refused with 429 by the rate-limit table, by class and caller kind",
  labelNames: ["class", "subject"],
});

/** Domain error behind TOO_MANY_REQUESTS; the error formatter copies `retryAfterSeconds` to data. */
export class RateLimitedError extends Error {
  readonly code = "RATE_LIMITED";
  constructor(
    readonly rateClass: RateClass,
    readonly retryAfterSeconds: number,
  ) {
    super(`too many ${rateClass} requests; retry in ${retryAfterSeconds} s`);
    this.name = "RateLimitedError";
  }
}

const limiters = new Map<string, RateLimiter>();

function limiterFor(rateClass: RateClass, kind: "user" | "anonymous"): RateLimiter {
  const scope = `api:${rateClass}:${kind === "user" ? "user" : "ip"}`;
  let l = limiters.get(scope);
  if (!l) {
    const row = RATE_LIMITS[rateClass];
    l = createRateLimiter({
      redis: apiRedis(),
      scope,
      ...row[kind],
      failOpen: row.failOpen,
      // A fail-open class may give up quickly (the call goes on unlimited); a fail-closed one
      // refuses the call when Redis does not answer, so it waits long enough that only an
      // unreachable Redis refuses a checkout, not a busy one.
      timeoutMs: row.failOpen ? 250 : 2_000,
    });
    limiters.set(scope, l);
  }
  return l;
}

/** Throws RateLimitedError when the caller is over its limit for this call's class. */
export async function enforceRateLimit(opts: {
  path: string;
  type: "query" | "mutation" | "subscription";
  headers: Headers;
  userId: string | null | undefined;
}): Promise<void> {
  await enforceRateClass(callClassOf(opts.path, opts.type), opts.headers, opts.userId);
}

/** Counts one unit of `rateClass` for the caller (a procedure counting its own class). */
export async function enforceRateClass(
  rateClass: RateClass,
  headers: Headers,
  userId: string | null | undefined,
): Promise<void> {
  const subject = rateSubject(headers, userId);
  const result = await limiterFor(rateClass, subject.kind).consume(subject.id);
  if (result.allowed) return;
  rateLimitRejections.inc({ class: rateClass, subject: subject.kind });
  throw new RateLimitedError(rateClass, retryAfterSeconds(result));
}

/** The answer to a refused or unchecked call: 429 over the limit, 503 when Redis cannot say. */
export function rateLimitAnswer(err: unknown): unknown {
  if (err instanceof RateLimitedError)
    return new TRPCError({ code: "TOO_MANY_REQUESTS", message: err.message, cause: err });
  if (err instanceof RateLimiterUnavailableError)
    return new TRPCError({ code: "SERVICE_UNAVAILABLE", message: err.message, cause: err });
  return err;
}
