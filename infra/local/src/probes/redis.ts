import type { ConnectionOptions } from "node:tls";
import { Redis } from "ioredis";
import { redisToolTls } from "../security/tls-files.ts";
import { secrets, type Topology } from "../topology.ts";

/**
 * A one-shot Redis (or Sentinel) connection for probes, over TLS verified against the topology's
 * CA (the servers have no plaintext port), presenting the tools' client pair (or `tls`, for tests
 * of what the servers refuse) and authenticated with the topology's password: fails fast, never
 * retries, never queues.
 */
export async function withRedis<T>(
  t: Topology,
  port: number,
  fn: (r: Redis) => Promise<T>,
  timeoutMs = 800,
  tls: ConnectionOptions = redisToolTls(t),
): Promise<T> {
  const r = new Redis({
    host: "127.0.0.1",
    port,
    password: secrets(t).redisPassword,
    tls,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  r.on("error", () => {
    // reported through the rejected command below; without a listener ioredis would print it
  });
  try {
    await r.connect();
    return await fn(r);
  } finally {
    r.disconnect();
  }
}

export function parseInfo(info: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of info.split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

export async function redisReplication(t: Topology, port: number): Promise<Record<string, string>> {
  return withRedis(t, port, async (r) => parseInfo(await r.info("replication")));
}

/** The master address the sentinel at `port` currently believes in. */
export async function sentinelMaster(
  t: Topology,
  port: number,
): Promise<{ host: string; port: number } | undefined> {
  return withRedis(t, port, async (r) => {
    const res = (await r.call("SENTINEL", "get-master-addr-by-name", t.redis.masterName)) as
      [string, string] | null;
    return res ? { host: res[0], port: Number(res[1]) } : undefined;
  });
}
