/**
 * Redis connections for Agora: always through Sentinel (never a fixed port — a restarted old
 * master stays writable for a while before Sentinel demotes it), with bounded reconnect backoff
 * and an error listener on every connection (without one, Node exits on a connection error).
 */
import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import { Redis, type RedisOptions } from "ioredis";
import { loadConfig, redisSchema } from "@agora/config";

export interface RedisConnectionOptions {
  /** BullMQ needs `null` (it retries blocking commands itself). */
  maxRetriesPerRequest?: number | null;
  connectionName?: string;
  onError?: (err: Error) => void;
}

/** Exponential backoff with full jitter, capped: reconnects never hammer, never stop. */
export function reconnectDelay(attempt: number, baseMs = 100, capMs = 2000): number {
  return Math.round(Math.random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 10)));
}

/** CA files read once per path: every connection of a process trusts the same CA. */
const caByFile = new Map<string, Buffer>();

/** The client certificate and key files a connection presents (PEM). */
export interface RedisClientPair {
  cert: string;
  key: string;
}

/**
 * TLS for the Sentinels and for the master they name, verified against the CA (the host's IP is
 * checked against the certificate's addresses), presenting `client`: Redis and the Sentinels
 * refuse a handshake without a certificate of their CA. Undefined when no CA is configured.
 *
 * The pair is read at each connection, so a rotated pair is presented from the next one on
 * without a restart: ioredis copies these options into every `tls.connect` with Object.assign,
 * which reads the getters (the certificate's read takes the key with it, so the two match).
 */
export function redisTls(
  caFile: string | undefined,
  client?: RedisClientPair,
): ConnectionOptions | undefined {
  if (!caFile) return undefined;
  let ca = caByFile.get(caFile);
  if (!ca) {
    ca = readFileSync(caFile);
    caByFile.set(caFile, ca);
  }
  const tls: ConnectionOptions = { ca, minVersion: "TLSv1.3" };
  if (!client) return tls;
  let pair: { cert: Buffer; key: Buffer } | undefined;
  return Object.defineProperties(tls, {
    cert: {
      enumerable: true,
      get: () => (pair = { cert: readFileSync(client.cert), key: readFileSync(client.key) }).cert,
    },
    key: {
      enumerable: true,
      get: () => {
        const key = pair?.key ?? readFileSync(client.key);
        pair = undefined;
        return key;
      },
    },
  });
}

/**
 * How a Sentinel-mode client lives through a failover (no addresses, no secrets): its timeouts,
 * reconnect backoff and what makes it ask Sentinel for the master again. One place, so the
 * product's clients and the failover drills (infra/local/src/drills) behave alike.
 */
export function failoverBehaviour(): Pick<
  RedisOptions,
  | "connectTimeout"
  | "disconnectTimeout"
  | "sentinelRetryStrategy"
  | "retryStrategy"
  | "reconnectOnError"
  | "failoverDetector"
> {
  return {
    // Opening a TLS connection here takes milliseconds (well under 1 s on a saturated box). Right
    // after a failover a Sentinel that has not heard of it yet may still name the old master; if
    // that one is frozen or cut off, the handshake hangs until this timeout before the client
    // asks again: 1 s (was 2 s) bounds that detour.
    connectTimeout: 1000,
    sentinelRetryStrategy: (n: number) => reconnectDelay(n),
    // Each reconnect asks a Sentinel for the master and connects there, so short steps are cheap:
    // capped at 500 ms (was 2 s), a client finds the new master within ~0.5 s of the switch
    // instead of up to 2 s. At most ~2 attempts a second per connection while Redis is away.
    retryStrategy: (n: number) => reconnectDelay(n, 50, 500),
    // After a failover the old master answers READONLY once it is a replica: reconnect, which
    // asks Sentinel for the new master.
    reconnectOnError: (err: Error) => err.message.startsWith("READONLY"),
    // A frozen or cut-off master never closes its connections, so a client would wait on it
    // until it came back (and then write to a master about to be demoted). Subscribed to the
    // Sentinels' +switch-master, the client drops that connection the moment a failover ends.
    // Costs one idle subscription per Sentinel per connection (all three: the Sentinel that ran
    // the failover announces it first, the others only once they hear of it).
    failoverDetector: true,
    // Dropping that connection is a graceful close, which ioredis lets the peer answer for this
    // long before it destroys the socket and reconnects; a frozen master never answers, so the
    // default 2 s went straight into the outage (measured). A live peer closes in milliseconds.
    disconnectTimeout: 250,
  };
}

export function redisOptions(opts: RedisConnectionOptions = {}): RedisOptions {
  const env = loadConfig(redisSchema);
  const client =
    env.AGORA_REDIS_TLS_CERT_FILE && env.AGORA_REDIS_TLS_KEY_FILE
      ? { cert: env.AGORA_REDIS_TLS_CERT_FILE, key: env.AGORA_REDIS_TLS_KEY_FILE }
      : undefined;
  const tls = redisTls(env.AGORA_REDIS_TLS_CA_FILE, client);
  return {
    // Encryption in transit: the Sentinels (sentinelTLS) and the master they name (tls, used for
    // the resolved address only with enableTLSForSentinelMode) are reached over TLS alone, each
    // connection presenting this process's client certificate.
    ...(tls ? { tls, sentinelTLS: tls, enableTLSForSentinelMode: true } : {}),
    sentinels: env.AGORA_REDIS_SENTINELS,
    name: env.AGORA_REDIS_MASTER_NAME,
    // Every connection authenticates: the nodes with requirepass, the Sentinels with their own.
    ...(env.AGORA_REDIS_PASSWORD ? { password: env.AGORA_REDIS_PASSWORD } : {}),
    ...(env.AGORA_REDIS_SENTINEL_PASSWORD ? { sentinelPassword: env.AGORA_REDIS_SENTINEL_PASSWORD } : {}),
    role: "master",
    connectionName: opts.connectionName,
    maxRetriesPerRequest: opts.maxRetriesPerRequest === undefined ? 3 : opts.maxRetriesPerRequest,
    ...failoverBehaviour(),
    enableAutoPipelining: false,
  };
}

/**
 * ioredis ends a Sentinel-mode client for good when its failover detector's disconnect lands
 * while the client is already reconnecting: the connector's pending connect rejects with
 * "Connection is closed." and the client's status becomes `end` (any failed connect does, ioredis
 * only retries after a connection that opened and closed). Seen when a killed master's clients
 * were still reconnecting as the Sentinels announced +switch-master (the worker-pools
 * Redis-failover chaos test).
 *
 * Connecting again after `end` is not enough: for as long as the status reads `end`, every
 * command fails at once, and a BullMQ Queue or Worker created on the connection in that moment
 * fails its initialisation and keeps that rejected promise for its whole life (every later call:
 * "Connection is closed."). So a client that was not closed on purpose never enters `end`: the
 * status becomes `reconnecting` (commands wait in the offline queue, BullMQ waits for `ready`)
 * and it connects again after the usual backoff. Its duplicates (BullMQ's blocking connections)
 * get the same care. ioredis has no option for this; its private `setStatus` is the one place.
 */
export function keepReconnecting(client: Redis): Redis {
  let closing = false;
  let attempts = 0;
  const quit = client.quit.bind(client);
  const disconnect = client.disconnect.bind(client);
  const duplicate = client.duplicate.bind(client);
  client.quit = ((...args: Parameters<Redis["quit"]>) => {
    closing = true;
    return quit(...args);
  }) as Redis["quit"];
  const internals = client as unknown as {
    setStatus(status: string, arg?: unknown): void;
    flushQueue(err: Error): void;
  };
  const setStatus = internals.setStatus.bind(client);
  /** Set while this wrapper, not ioredis, holds the client in `reconnecting`. */
  let retry: NodeJS.Timeout | undefined;
  client.disconnect = (reconnect?: boolean) => {
    if (!reconnect) closing = true;
    disconnect(reconnect);
    if (closing && retry) {
      // No socket to close and no ioredis timer to clear: end it here, as ioredis would have.
      clearTimeout(retry);
      retry = undefined;
      setStatus("end");
      internals.flushQueue(new Error("Connection is closed."));
    }
  };
  client.duplicate = ((override?: Partial<RedisOptions>) => keepReconnecting(duplicate(override))) as Redis["duplicate"];
  internals.setStatus = (status, arg) => {
    if (status === "ready") attempts = 0;
    if (status !== "end" || closing) return setStatus(status, arg);
    // The client's own reconnect backoff (failoverBehaviour's retryStrategy); one that says stop
    // (not a number) ends the client, as it would after a lost connection.
    const strategy = client.options.retryStrategy;
    const delay = typeof strategy === "function" ? strategy(++attempts) : undefined;
    if (typeof delay !== "number") return setStatus(status, arg);
    setStatus("reconnecting", delay);
    retry = setTimeout(() => {
      retry = undefined;
      if (!closing && client.status === "reconnecting") client.connect().catch(() => undefined);
    }, delay);
    retry.unref();
  };
  return client;
}

export function createRedis(opts: RedisConnectionOptions = {}): Redis {
  const r = keepReconnecting(new Redis(redisOptions(opts)));
  r.on("error", opts.onError ?? (() => {
    // Connection errors during a failover are expected; ioredis reconnects through Sentinel.
  }));
  return r;
}
