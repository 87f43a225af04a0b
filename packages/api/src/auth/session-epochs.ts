/**
 * Session epochs (see @agora/auth revocation.ts): core `users.session_epoch` is the truth, Redis
 * the per-request fast path. A role change bumps the epoch inside the change's core transaction
 * and writes it through to Redis after commit; a cache miss loads core once. Epochs only grow, so
 * every Redis write keeps the larger value: a slow loader can never put an old epoch back.
 */
import { once } from "node:events";
import type { AuthApp, RevocationPolicy, SessionEpochs } from "@agora/auth";
import { core } from "@agora/db";
import type { Redis } from "ioredis";
import { apiRedis } from "../cache/redis-connection.ts";
import { withTimeout } from "../data-layer/timeout.ts";

const key = (userId: string) => `agora:session-epoch:${userId}`;
/** Bounds how long a value whose write-through failed can linger; a miss costs one core read. */
const CACHE_TTL_S = 600;
const REDIS_TIMEOUT_MS = 500;
/** A (re)connect through Sentinel: the connection's own connect timeout. */
const CONNECT_WAIT_MS = 2000;
/** A user that no longer exists has no valid session. */
export const ERASED_USER_EPOCH = Number.MAX_SAFE_INTEGER;

/** SET key to max(current, ARGV[1]) with a TTL; returns the stored value. */
const SET_MAX = `
local cur = redis.call('GET', KEYS[1])
if (not cur) or tonumber(cur) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  return ARGV[1]
end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return cur`;

/** The raw-SQL surface of a core transaction. */
export interface CoreRawTx {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

export async function publishSessionEpoch(
  userId: string,
  epoch: number,
  redis: Redis = apiRedis(),
): Promise<number> {
  const r = await connected(redis);
  const stored = await withTimeout(
    "session epoch write-through",
    REDIS_TIMEOUT_MS,
    r.eval(SET_MAX, 1, key(userId), String(epoch), String(CACHE_TTL_S)) as Promise<string>,
  );
  return Number(stored);
}

/** Bumps the epoch inside the caller's core transaction; publish the result after commit. */
export async function bumpSessionEpoch(tx: CoreRawTx, userId: string): Promise<number> {
  const rows = await tx.$queryRawUnsafe<{ session_epoch: number }[]>(
    `UPDATE users SET session_epoch = session_epoch + 1, updated_at = now()
     WHERE id = $1::uuid RETURNING session_epoch`,
    userId,
  );
  return rows[0]?.session_epoch ?? ERASED_USER_EPOCH;
}

async function loadEpoch(userId: string): Promise<number> {
  // The primary: a replica could still show the epoch from before a removal.
  const user = await core().primary.user.findUnique({
    where: { id: userId },
    select: { sessionEpoch: true },
  });
  return user?.sessionEpoch ?? ERASED_USER_EPOCH;
}

/**
 * The shared connection fails commands at once while it is not connected (no offline queue); the
 * first requests after a process start wait for its first connect briefly. A connection that was
 * up and is now reconnecting (Redis failing over, or gone) is not waited for: the caller goes to
 * core at once instead of adding the wait to every request of the outage.
 */
async function connected(r: Redis): Promise<Redis> {
  if (r.status === "connecting" || r.status === "connect")
    await once(r, "ready", { signal: AbortSignal.timeout(CONNECT_WAIT_MS) });
  else if (r.status !== "ready") throw new Error(`session epoch store ${r.status}`);
  return r;
}

/** Every session the user holds, in every app, is refused from its next request (sign-out). */
export async function revokeSessions(userId: string, redis: Redis = apiRedis()): Promise<number> {
  const epoch = await bumpSessionEpoch(core().primary, userId);
  return publishSessionEpoch(userId, epoch, redis);
}

/**
 * Redis first; on a miss, core's value, cached with set-max semantics. While Redis is slow or away
 * (a failover, a loaded box) the session is judged on core's value instead: core is the truth, so
 * a revoked session stays refused and a valid one is not thrown out because a cache was late. Only
 * when core cannot answer either does the caller's `whenUnavailable` decide.
 */
export function redisSessionEpochs(
  redis: () => Redis = apiRedis,
  load: (userId: string) => Promise<number> = loadEpoch,
): SessionEpochs {
  return {
    async revoke(userId) {
      await revokeSessions(userId, redis());
    },
    async current(userId) {
      let r: Redis;
      try {
        r = await connected(redis());
        const cached = await withTimeout("session epoch read", REDIS_TIMEOUT_MS, r.get(key(userId)));
        if (cached !== null) return Number(cached);
      } catch {
        return load(userId);
      }
      const epoch = await load(userId);
      // The write-through is an optimisation: core's answer stands when it does not get through.
      return publishSessionEpoch(userId, epoch, r).catch(() => epoch);
    },
  };
}

/**
 * The one revocation policy, for every app and every role (shoppers, vendor members, operators,
 * admins). While neither Redis nor core can say whether a session is still valid, the vendor
 * portal and the ops console refuse it (the user sees the sign-in page) rather than let a removed
 * member keep working; the storefront, which serves only shopper procedures, keeps serving it.
 */
export function sessionRevocation(app: AuthApp): RevocationPolicy {
  const whenUnavailable = app === "storefront" ? "admit" : "refuse";
  return {
    epochs: redisSessionEpochs(),
    whenUnavailable,
    onUnavailable: (err) =>
      console.warn(
        `[auth] ${app}: session epoch unavailable, session ${whenUnavailable === "admit" ? "admitted" : "refused"}: ${err instanceof Error ? err.message : String(err)}`,
      ),
  };
}
