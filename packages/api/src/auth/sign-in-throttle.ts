/**
 * The apps' sign-in throttle (`AuthConfig.signInThrottle` of @agora/auth): Redis sliding windows
 * per account and per client address (SIGN_IN_LIMITS), consumed before any password is checked;
 * a sign-in that proves the password clears its account's window.
 */
import { type SignInThrottle, SignInThrottledError } from "@agora/auth";
import { createRateLimiter, type RateLimiter, retryAfterSeconds } from "@agora/resilience";
import type { Redis } from "ioredis";
import { apiRedis } from "../cache/redis-connection.ts";
import { clientAddress, SIGN_IN_LIMITS } from "../rate-limit/limits.ts";

/** How long a sign-in waits for the shared connection right after a process start. */
const CONNECT_WAIT_MS = 2_000;
/**
 * How long the count may take before the attempt is refused. Sign-in is rare and the password
 * hash after it costs far more, so the budget is generous: a busy box or a GC pause must not turn
 * into "sign-in unavailable" (the request-path limiters keep their tight default).
 */
const COUNT_TIMEOUT_MS = 1_500;

/**
 * The shared connection fails commands at once while it is not connected (no offline queue), and
 * the limiter fails closed: the first sign-in after a start waits for it briefly instead of being
 * refused. Still not ready after the wait: the limiter's own timeout refuses the attempt.
 */
function whenReady(r: Redis): Promise<void> {
  if (r.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      r.off("ready", done);
      resolve();
    };
    const timer = setTimeout(done, CONNECT_WAIT_MS);
    r.once("ready", done);
  });
}

export function signInThrottle(redis: () => Redis = apiRedis): SignInThrottle {
  let limiters: { account: RateLimiter; address: RateLimiter } | undefined;
  const limiter = (scope: keyof typeof SIGN_IN_LIMITS) =>
    createRateLimiter({
      redis: redis(),
      scope: `sign-in:${scope}`,
      ...SIGN_IN_LIMITS[scope],
      failOpen: false,
      timeoutMs: COUNT_TIMEOUT_MS,
    });
  return {
    async admit({ email, headers }) {
      limiters ??= { account: limiter("account"), address: limiter("address") };
      await whenReady(redis());
      const results = await Promise.all([
        limiters.address.consume(clientAddress(headers)),
        ...(email ? [limiters.account.consume(email)] : []),
      ]);
      const refused = results.filter((r) => !r.allowed);
      if (refused.length)
        throw new SignInThrottledError(Math.max(...refused.map(retryAfterSeconds)));
    },
    async succeeded({ email }) {
      if (email && limiters) await limiters.account.reset(email);
    },
  };
}
