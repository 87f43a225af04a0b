/**
 * One instance's entry in the registry: a key under its own lease (TTL `ttlSeconds`, renewed by
 * etcd3's keepalive stream, one small message every TTL/3). If the process dies the renewals stop
 * and etcd deletes the key when the TTL runs out; if the lease is lost while the process lives
 * (etcd unreachable past the TTL) it registers again under a new lease, retrying with jitter.
 */
import type { Etcd3, Lease } from "etcd3";
import { registryClient } from "./client.ts";
import { markDraining } from "./drain.ts";
import { instanceKey, serviceInstanceSchema, type ServiceInstance } from "./record.ts";

export interface RegisterOptions {
  endpoints: string[];
  /** AGORA_ETCD_PREFIX: the topology's namespace, ending in `/`. */
  prefix: string;
  instance: Omit<ServiceInstance, "registeredAt" | "pid">;
  ttlSeconds?: number;
  requestTimeoutMs?: number;
  onError?: (err: Error) => void;
  /** An Etcd3 client to use instead of a new one (not closed by `deregister`). */
  client?: Etcd3;
}

export interface Registration {
  readonly key: string;
  current(): ServiceInstance;
  setReady(ready: boolean): Promise<void>;
  /**
   * Drain: publish not-ready, wait `drainMs` so load balancers stop sending new requests and
   * in-flight ones finish — and, with `busy`, on until it reports 0 or `maxDrainMs` passed — then
   * revoke the lease (the key goes at once) and close the client.
   */
  deregister(opts?: { drainMs?: number; busy?: () => number; maxDrainMs?: number }): Promise<void>;
}

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 5_000;

export async function register(opts: RegisterOptions): Promise<Registration> {
  const ttl = opts.ttlSeconds ?? 10;
  if (ttl < 2) throw new RangeError(`ttlSeconds must be >= 2, got ${ttl}`);
  const client = opts.client ?? registryClient(opts.endpoints, opts.requestTimeoutMs);
  const key = instanceKey(opts.prefix, opts.instance.service, opts.instance.instanceId);
  const onError = opts.onError ?? (() => {});
  let record: ServiceInstance = serviceInstanceSchema.parse({
    ...opts.instance,
    registeredAt: new Date().toISOString(),
    pid: process.pid,
  });
  let lease: Lease | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  let retryMs = RETRY_MIN_MS;

  const put = async (l: Lease) => {
    await l.put(key).value(JSON.stringify(record));
  };

  const grant = async (): Promise<void> => {
    const l = client.lease(ttl, { autoKeepAlive: true });
    l.on("lost", (err: Error) => {
      if (stopped || lease !== l) return;
      onError(new Error(`registry lease of ${key} lost: ${err.message}`));
      lease = undefined;
      schedule();
    });
    record = { ...record, registeredAt: new Date().toISOString() };
    lease = l;
    try {
      await put(l);
      retryMs = RETRY_MIN_MS;
    } catch (err) {
      lease = undefined;
      l.removeAllListeners("lost");
      void l.revoke().catch(() => undefined);
      throw err;
    }
  };

  const schedule = () => {
    if (stopped || retry) return;
    const delay = retryMs / 2 + Math.random() * (retryMs / 2);
    retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
    retry = setTimeout(() => {
      retry = undefined;
      grant().catch((err: Error) => {
        onError(err);
        schedule();
      });
    }, delay);
    retry.unref();
  };

  await grant();

  return {
    key,
    current: () => record,
    async setReady(ready: boolean) {
      if (record.ready === ready || stopped) return;
      const before = record;
      record = { ...record, ready };
      // Without a lease the next grant writes the current record anyway.
      if (!lease) return;
      try {
        await put(lease);
      } catch (err) {
        // Not published: the record says what etcd holds, so the caller's next attempt publishes.
        if (record.ready === ready) record = { ...record, ready: before.ready };
        throw err;
      }
    },
    async deregister({ drainMs = 1_000, busy, maxDrainMs = 30_000 } = {}) {
      if (stopped) return;
      markDraining();
      try {
        const wasReady = record.ready;
        if (lease) {
          record = { ...record, ready: false, draining: true };
          await put(lease);
          const until = Date.now() + Math.max(drainMs, maxDrainMs);
          // Only a ready instance was taking new requests that the load balancers must let go of.
          if (wasReady) await new Promise((r) => setTimeout(r, drainMs));
          // A call that started just before the load balancers let go may take longer than the
          // drain (a checkout on a busy box; or a not-ready instance a load balancer failing open
          // still routed): it finishes here rather than being cut off.
          while (busy && busy() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        stopped = true;
        clearTimeout(retry);
        const l = lease;
        lease = undefined;
        try {
          await l?.revoke();
        } finally {
          if (!opts.client) client.close();
        }
      }
    },
  };
}
