/**
 * Redis rate limiter: a sliding-window log (a sorted set of admission times per key) checked and
 * updated by ONE Lua script, so the read-count-then-add is atomic across every app instance: 50
 * concurrent requests against a limit of 10 admit exactly 10.
 *
 * Why hand-written: `rate-limiter-flexible` (the usual choice) is not a dependency of this repo,
 * and the script is ~20 lines. The log gives exact counts over any window (no fixed-window burst
 * at the boundary) and an exact Retry-After; it costs one sorted-set entry per admitted unit, so
 * keep limits modest (up to a few thousand per window) — above that a GCRA would be cheaper.
 *
 * The script runs through ioredis `defineCommand`: EVAL the first time on each connection, EVALSHA
 * afterwards, and EVAL again on NOSCRIPT (a freshly promoted master after a Sentinel failover has
 * an empty script cache).
 */
import { randomUUID } from "node:crypto";
import { TaskCancelledError, TimeoutStrategy, timeout } from "cockatiel";
import type { Redis } from "ioredis";
import { RateLimiterUnavailableError, TimeoutError } from "./errors.ts";
import { rateLimitRejections, rateLimitUnavailable } from "./metrics.ts";

// KEYS[1]  the limiter key: sorted set, member = admitted unit, score = admission time in µs
// ARGV     limit, window (µs), cost, request id (unique per consume call)
// Returns  { allowed 1|0, remaining, retryAfterMs }
// Time comes from Redis (TIME), not the callers: app instances' clocks never need to agree.
// Redis 7 replicates a script's effects, not the script, so reading TIME before writing is safe.
const CONSUME_LUA = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local used = redis.call('ZCARD', KEYS[1])
if used + cost <= limit then
  for i = 1, cost do
    redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. i)
  end
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000))
  return { 1, limit - used - cost, 0 }
end
-- The request fits once the oldest (used + cost - limit) admissions have left the window.
local nth = used + cost - limit - 1
local oldest = redis.call('ZRANGE', KEYS[1], nth, nth, 'WITHSCORES')
local retry_us = tonumber(oldest[2]) + window - now
return { 0, math.max(limit - used, 0), math.max(1, math.ceil(retry_us / 1000)) }
`;

const COMMAND = "agoraRateLimitConsume";
type ConsumeCommand = (
  key: string,
  limit: number,
  windowUs: number,
  cost: number,
  requestId: string,
) => Promise<[allowed: number, remaining: number, retryAfterMs: number]>;

export interface RateLimiterOptions {
  /** Connection from `createRedis()` (Sentinel-aware). The limiter adds one script command to it. */
  redis: Redis;
  /** What is being limited, e.g. "api:ip" or "login:user"; keys are `rl:<scope>:<id>`. */
  scope: string;
  /** Units admitted per id within any `windowMs`. */
  limit: number;
  windowMs: number;
  /**
   * What to do when Redis cannot answer within `timeoutMs` (down, failing over, partitioned):
   *  - true:  admit the request (`degraded: true` in the result) — availability over protection,
   *           right for ordinary browsing limits;
   *  - false: throw RateLimiterUnavailableError (code RATE_LIMITER_UNAVAILABLE) — protection over
   *           availability, right for login / password-reset / checkout abuse limits.
   * Required: there is no safe default. Either way `resilience_rate_limit_unavailable_total` counts it.
   */
  failOpen: boolean;
  /** Budget for one Redis round trip. Default 250 ms. */
  timeoutMs?: number;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Units still available in the current window (after this one, if admitted). */
  remaining: number;
  /** When refused: how long until `cost` units fit again. 0 when admitted. */
  retryAfterMs: number;
  limit: number;
  /** True when Redis was unreachable and `failOpen` admitted the request unchecked. */
  degraded?: boolean;
}

export interface RateLimiter {
  readonly scope: string;
  readonly limit: number;
  readonly windowMs: number;
  /** Takes `cost` units for `id` (an IP, user id, tenant id…) if they fit in the window. */
  consume(id: string, cost?: number): Promise<RateLimitResult>;
  /** Forgets what `id` used (e.g. an account's sign-in attempts once its password was proven). */
  reset(id: string): Promise<void>;
}

/** Whole seconds for a `Retry-After` header (rounded up, at least 1 when refused; 0 when admitted). */
export function retryAfterSeconds(result: RateLimitResult): number {
  return result.allowed ? 0 : Math.max(1, Math.ceil(result.retryAfterMs / 1000));
}

export function rateLimitKey(scope: string, id: string): string {
  return `rl:${scope}:${id}`;
}

export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const { redis, scope, limit, windowMs, failOpen, timeoutMs = 250 } = opts;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError("limit must be an integer >= 1");
  if (!Number.isInteger(windowMs) || windowMs < 1)
    throw new RangeError("windowMs must be an integer >= 1 (ms)");

  redis.defineCommand(COMMAND, { numberOfKeys: 1, lua: CONSUME_LUA });
  // defineCommand adds the method at runtime; ioredis cannot type it, so view it through ConsumeCommand.
  const consumeScript = (redis as unknown as Record<typeof COMMAND, ConsumeCommand>)[COMMAND].bind(
    redis,
  );
  const redisTimeout = timeout(timeoutMs, TimeoutStrategy.Aggressive);

  return {
    scope,
    limit,
    windowMs,
    async consume(id, cost = 1) {
      if (!Number.isInteger(cost) || cost < 1 || cost > limit) {
        throw new RangeError(`cost must be an integer between 1 and the limit (${limit})`);
      }
      let reply: [number, number, number];
      try {
        reply = await redisTimeout
          .execute(() =>
            consumeScript(rateLimitKey(scope, id), limit, windowMs * 1000, cost, randomUUID()),
          )
          .catch((err: unknown) => {
            // (instanceof: cockatiel 3.2.1's isTaskCancelledError tests the wrong property)
            throw err instanceof TaskCancelledError
              ? new TimeoutError(`rate limit ${scope}`, timeoutMs)
              : err;
          });
      } catch (err) {
        rateLimitUnavailable.inc({ scope, decision: failOpen ? "allowed" : "error" });
        if (failOpen)
          return { allowed: true, remaining: limit - cost, retryAfterMs: 0, limit, degraded: true };
        throw new RateLimiterUnavailableError(scope, { cause: err });
      }
      const [allowed, remaining, retryAfterMs] = reply;
      if (allowed !== 1) rateLimitRejections.inc({ scope });
      return { allowed: allowed === 1, remaining, retryAfterMs, limit };
    },
    async reset(id) {
      await redisTimeout.execute(() => redis.del(rateLimitKey(scope, id)));
    },
  };
}
