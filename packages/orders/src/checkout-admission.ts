/**
 * Checkout admission control: how many orders may be between `checkout.place` and the end of
 * their saga at once, for the whole core region, and a fair waiting line for the shoppers above it.
 *
 * Why: the saga pipeline has a throughput (orders/s) set by the box. Accepting more orders than
 * that only lengthens every order's wait (Little's law: in flight = throughput × time in system),
 * until `checkout.place` itself queues behind the pools and clients time out — an error with an
 * order possibly written. Here the storefront admits an order only while fewer than `limit` are in
 * flight; above that the shopper gets TOO_MANY_REQUESTS (domain code CHECKOUT_BUSY) with their
 * place in line and when to come back, and nothing is written. Retrying with the same idempotency
 * key keeps the place in line.
 *
 * The limit adapts (AIMD, as TCP's window): an order that finished within `targetMs` of its
 * admission adds 1/limit (so +1 per limit's worth of orders), one that took longer cuts the limit
 * by a quarter — at most once per round trip (only an order admitted after the last cut can cut
 * again), so one slow burst is one cut, not twenty. The limit settles where orders finish within
 * the target: the throughput the box has at that moment, whatever the hardware.
 *
 * State in Redis (the checkout connection, Sentinel-backed), changed only by two Lua scripts so
 * concurrent storefronts and saga workers agree:
 * - `in flight`: sorted set, member = the shopper's order attempt (user + idempotency key), score =
 *   admission time. The saga worker removes it when the order ends (ready, failed, cancelled); a
 *   member older than `leaseMs` is dropped (a storefront that died before placing, an order stuck
 *   for the recovery sweep), so a lost release cannot shrink capacity for good.
 * - `waiting`: sorted set, member = attempt, score = when it first asked (its place in line);
 *   `waiting deadlines`: when it must have asked again; one that does not (a closed tab) leaves.
 * - `state`: hash — limit, the last cut, a moving average of admission → end, and counters.
 *
 * Why hand-written: the usual adaptive-concurrency libraries (Netflix's concurrency-limits and
 * its ports) limit calls inside one process; here the permit is taken by one process (the
 * storefront) and given back by another (the saga worker) minutes later, across instances.
 */
/** The few commands this needs, so callers pass any ioredis client (direct or Sentinel). */
export interface AdmissionRedis {
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  zcard(key: string): Promise<number>;
  hgetall(key: string): Promise<Record<string, string>>;
}

export const DEFAULT_ADMISSION_NAMESPACE = "checkout:admission";

export function admissionKeys(namespace = DEFAULT_ADMISSION_NAMESPACE) {
  return {
    inFlight: `${namespace}:in-flight`,
    waiting: `${namespace}:waiting`,
    deadlines: `${namespace}:waiting-deadlines`,
    state: `${namespace}:state`,
  } as const;
}

export interface AdmissionSettings {
  /** The limit before any order has finished. */
  initialLimit: number;
  minLimit: number;
  maxLimit: number;
  /** Admission → end of the saga that the limit steers to (below the 5 s end-to-end target). */
  targetMs: number;
  /** A permit not given back after this long is dropped. */
  leaseMs: number;
  /** Prefix of the Redis keys. */
  namespace?: string;
}

/** The permit of one order attempt: the same shopper's retries with one key hold one place. */
export function admissionMember(userId: string, idempotencyKey: string): string {
  return `${userId}:${idempotencyKey}`;
}

// KEYS  in-flight, waiting, deadlines, state
// ARGV  member, initial limit, lease ms, target ms, longest retry s
// Returns { admitted 1|0, in flight, limit ×1000, position in line (0 when admitted), retry ms,
//           fresh 1|0 (admitted now, not already holding a permit) }
const ADMIT_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local member = ARGV[1]
local expired = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[3]))
if expired > 0 then redis.call('HINCRBY', KEYS[4], 'expired', expired) end
local gone = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)
for _, m in ipairs(gone) do redis.call('ZREM', KEYS[2], m) end
if #gone > 0 then
  redis.call('ZREM', KEYS[3], unpack(gone))
  redis.call('HINCRBY', KEYS[4], 'abandoned', #gone)
end
local limit = tonumber(redis.call('HGET', KEYS[4], 'limit')) or tonumber(ARGV[2])
local inflight = redis.call('ZCARD', KEYS[1])
if redis.call('ZSCORE', KEYS[1], member) then
  return { 1, inflight, math.floor(limit * 1000), 0, 0, 0 }
end
local free = math.floor(limit) - inflight
local rank = redis.call('ZRANK', KEYS[2], member)
local ahead = rank or redis.call('ZCARD', KEYS[2])
if ahead < free then
  redis.call('ZADD', KEYS[1], now, member)
  if rank then
    redis.call('ZREM', KEYS[2], member)
    redis.call('ZREM', KEYS[3], member)
  end
  redis.call('HINCRBY', KEYS[4], 'admitted', 1)
  return { 1, inflight + 1, math.floor(limit * 1000), 0, 0, 1 }
end
if not rank then
  redis.call('ZADD', KEYS[2], now, member)
  redis.call('HINCRBY', KEYS[4], 'queued', 1)
end
redis.call('HINCRBY', KEYS[4], 'refused', 1)
-- When its turn should come: the orders ahead of it (in flight and in line) at the throughput
-- the limit gives (limit orders per average time in system), in ms: the head of the line is told
-- a fraction of a second, so a freed permit does not sit idle while it sleeps. Capped so the line
-- stays fresh.
local avg = tonumber(redis.call('HGET', KEYS[4], 'avg_ms')) or tonumber(ARGV[4])
local turn_ms = (ahead - free + 1) * avg / math.max(limit, 1)
local retry = math.floor(math.max(250, math.min(tonumber(ARGV[5]) * 1000, turn_ms)))
-- Not back within three times that (and 10 s, for a slow network): it left, and the line moves on.
redis.call('ZADD', KEYS[3], now + math.max(10000, retry * 3), member)
return { 0, inflight, math.floor(limit * 1000), ahead + 1, retry }
`;

// KEYS  in-flight, state
// ARGV  member, initial, min, max limit, target ms, adapt 1|0 (0: nothing was placed, the time
//       says nothing about the pipeline)
// Returns { released 1|0, admission → now in ms, limit ×1000 }
const RELEASE_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local admitted = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not admitted then return { 0, 0, 0 } end
redis.call('ZREM', KEYS[1], ARGV[1])
admitted = tonumber(admitted)
local took = now - admitted
local limit = tonumber(redis.call('HGET', KEYS[2], 'limit')) or tonumber(ARGV[2])
if ARGV[6] == '0' then
  redis.call('HINCRBY', KEYS[2], 'unplaced', 1)
  return { 1, took, math.floor(limit * 1000) }
end
local cut_at = tonumber(redis.call('HGET', KEYS[2], 'cut_at')) or 0
if took > tonumber(ARGV[5]) then
  if admitted > cut_at then
    limit = math.max(tonumber(ARGV[3]), limit * 0.75)
    redis.call('HSET', KEYS[2], 'cut_at', now)
    redis.call('HINCRBY', KEYS[2], 'cuts', 1)
  end
else
  limit = math.min(tonumber(ARGV[4]), limit + 1 / limit)
end
local avg = tonumber(redis.call('HGET', KEYS[2], 'avg_ms'))
avg = avg and (avg * 0.8 + took * 0.2) or took
redis.call('HSET', KEYS[2], 'limit', tostring(limit), 'avg_ms', tostring(avg))
redis.call('HINCRBY', KEYS[2], 'released', 1)
return { 1, took, math.floor(limit * 1000) }
`;

export type AdmissionDecision =
  | {
      admitted: true;
      inFlight: number;
      limit: number;
      /** False when the attempt already held its permit (a retry of an admitted attempt). */
      fresh: boolean;
    }
  | {
      admitted: false;
      inFlight: number;
      limit: number;
      /** 1-based place in the waiting line. */
      position: number;
      /** When its turn should come (at least 250 ms, at most 10 s). */
      retryAfterMs: number;
    };

export interface AdmissionState {
  inFlight: number;
  waiting: number;
  limit: number;
  /** Moving average of admission → end of the saga (null before the first order ended). */
  averageMs: number | null;
  admitted: number;
  refused: number;
  released: number;
  expired: number;
  abandoned: number;
  cuts: number;
}

export interface CheckoutAdmission {
  /** What it was created with (the defaults are `checkoutAdmissionSchema`'s, @agora/config). */
  readonly settings: AdmissionSettings;
  admit(member: string): Promise<AdmissionDecision>;
  /**
   * Gives the permit back; null when the member held none (not admitted here, or expired).
   * `adapt: false` when nothing was placed: the limit does not learn from it.
   */
  release(member: string, opts?: { adapt?: boolean }): Promise<{ tookMs: number; limit: number } | null>;
  state(): Promise<AdmissionState>;
}

const ADMIT = "agoraCheckoutAdmit";
const RELEASE = "agoraCheckoutRelease";
type Reply = number[];
type Scripts = Record<typeof ADMIT | typeof RELEASE, (...args: (string | number)[]) => Promise<Reply>>;

/** The longest wait given, in seconds: the line is re-ranked at least this often. */
const LONGEST_RETRY_S = 10;

export function createCheckoutAdmission(
  redis: AdmissionRedis,
  settings: AdmissionSettings,
): CheckoutAdmission {
  const s = settings;
  if (!(s.minLimit >= 1 && s.minLimit <= s.initialLimit && s.initialLimit <= s.maxLimit))
    throw new RangeError("admission limits must satisfy 1 ≤ min ≤ initial ≤ max");
  // defineCommand: EVALSHA, and EVAL again on NOSCRIPT after a Sentinel failover.
  redis.defineCommand(ADMIT, { numberOfKeys: 4, lua: ADMIT_LUA });
  redis.defineCommand(RELEASE, { numberOfKeys: 2, lua: RELEASE_LUA });
  const scripts = redis as unknown as Scripts;
  const k = admissionKeys(s.namespace);
  return {
    settings,
    async admit(member) {
      const [ok, inFlight, limitX1000, position, retry, fresh] = await scripts[ADMIT](
        k.inFlight, k.waiting, k.deadlines, k.state,
        member, s.initialLimit, s.leaseMs, s.targetMs, LONGEST_RETRY_S,
      );
      const limit = Math.floor((limitX1000 ?? 0) / 1000);
      if (ok === 1) return { admitted: true, inFlight: inFlight ?? 0, limit, fresh: fresh === 1 };
      return {
        admitted: false,
        inFlight: inFlight ?? 0,
        limit,
        position: position ?? 1,
        retryAfterMs: retry ?? 1_000,
      };
    },
    async release(member, opts) {
      const [ok, took, limitX1000] = await scripts[RELEASE](
        k.inFlight, k.state,
        member, s.initialLimit, s.minLimit, s.maxLimit, s.targetMs, opts?.adapt === false ? 0 : 1,
      );
      return ok === 1 ? { tookMs: took ?? 0, limit: Math.floor((limitX1000 ?? 0) / 1000) } : null;
    },
    async state() {
      const [inFlight, waiting, hash] = await Promise.all([
        redis.zcard(k.inFlight),
        redis.zcard(k.waiting),
        redis.hgetall(k.state),
      ]);
      const n = (key: string) => Number(hash[key] ?? 0);
      return {
        inFlight,
        waiting,
        limit: Math.floor(hash.limit ? Number(hash.limit) : s.initialLimit),
        averageMs: hash.avg_ms ? Math.round(Number(hash.avg_ms)) : null,
        admitted: n("admitted"),
        refused: n("refused"),
        released: n("released"),
        expired: n("expired"),
        abandoned: n("abandoned"),
        cuts: n("cuts"),
      };
    },
  };
}

/** The settings from `checkoutAdmissionSchema` (@agora/config); null when admission is off. */
export function admissionSettings(env: {
  AGORA_CHECKOUT_ADMISSION: "on" | "off";
  AGORA_CHECKOUT_LIMIT_INITIAL: number;
  AGORA_CHECKOUT_LIMIT_MIN: number;
  AGORA_CHECKOUT_LIMIT_MAX: number;
  AGORA_CHECKOUT_TARGET_MS: number;
  AGORA_CHECKOUT_LEASE_MS: number;
  AGORA_CHECKOUT_ADMISSION_NAMESPACE: string;
}): AdmissionSettings | null {
  if (env.AGORA_CHECKOUT_ADMISSION === "off") return null;
  return {
    initialLimit: env.AGORA_CHECKOUT_LIMIT_INITIAL,
    minLimit: env.AGORA_CHECKOUT_LIMIT_MIN,
    maxLimit: env.AGORA_CHECKOUT_LIMIT_MAX,
    targetMs: env.AGORA_CHECKOUT_TARGET_MS,
    leaseMs: env.AGORA_CHECKOUT_LEASE_MS,
    namespace: env.AGORA_CHECKOUT_ADMISSION_NAMESPACE,
  };
}

/** Thrown by `checkout.place` above the limit: nothing was written, come back in N s. */
export class CheckoutBusyError extends Error {
  readonly code = "CHECKOUT_BUSY";
  /** Whole seconds for the Retry-After header (which has no finer unit). */
  readonly retryAfterSeconds: number;
  constructor(
    readonly position: number,
    /** The finer hint our own clients use (`details.retryAfterMs`). */
    readonly retryAfterMs: number,
  ) {
    const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
    super(
      `checkout is busy: you are number ${position} in line; nothing was ordered or charged yet, ` +
        `and trying again in ${seconds} s keeps your place`,
    );
    this.name = "CheckoutBusyError";
    this.retryAfterSeconds = seconds;
  }
  get details(): Record<string, unknown> {
    return { position: this.position, retryAfterMs: this.retryAfterMs };
  }
}
