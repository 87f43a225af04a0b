/**
 * vendor → shard lookups against core's `shard_directory`, cached in-process.
 *
 * Invalidation, in order of strength:
 *  - a trigger on shard_directory NOTIFYs `shard_directory_changed` with the vendor id; one LISTEN
 *    connection per process drops that entry. Notifications sent while the listener is
 *    disconnected (failover) are lost, so every (re)connect drops the WHOLE cache;
 *  - `invalidateShard(vendorId)` for the process that made the change;
 *  - a TTL (default 30 s, AGORA_DB_DIRECTORY_TTL_MS) bounds staleness if all else fails.
 * A vendor move still fences writes on the old shard, so a stale entry cannot cause lost writes.
 */
import pg from "pg";
import type { Socket } from "node:net";
import { dbConfig } from "../clients/config.ts";
import { core, onCloseAll } from "../clients/registry.ts";
import { VendorNotFoundError } from "../errors/database-errors.ts";
import { backoffDelay } from "../replicas/with-retry.ts";

export const DIRECTORY_CHANNEL = "shard_directory_changed";

interface Entry {
  shard: string;
  epoch: number;
  expiresAt: number;
}

const cache = new Map<string, Entry>();
/** Bumped on every invalidation so a lookup that raced with a change does not cache the old value. */
let generation = 0;

export interface ShardLocation {
  vendorId: string;
  shard: string;
  epoch: number;
}

/** Shard of a vendor (cached). Throws VendorNotFoundError for an unknown vendor. */
export async function shardFor(vendorId: string): Promise<string> {
  return (await locateVendor(vendorId)).shard;
}

export async function locateVendor(vendorId: string): Promise<ShardLocation> {
  const hit = cache.get(vendorId);
  if (hit && hit.expiresAt > Date.now()) return { vendorId, shard: hit.shard, epoch: hit.epoch };
  const cfg = dbConfig();
  if (cfg.directoryListen) ensureListener();
  const startedAt = generation;
  // Read from the primary: a just-created vendor must be routable at once.
  const row = await core().primary.shardDirectory.findUnique({
    where: { vendorId },
    select: { shard: true, epoch: true },
  });
  if (!row) throw new VendorNotFoundError(vendorId);
  if (generation === startedAt)
    cache.set(vendorId, {
      shard: row.shard,
      epoch: row.epoch,
      expiresAt: Date.now() + cfg.directoryTtlMs,
    });
  return { vendorId, shard: row.shard, epoch: row.epoch };
}

/** Drops one vendor's cached location, or all of them without an argument. */
export function invalidateShard(vendorId?: string): void {
  generation++;
  if (vendorId === undefined) cache.clear();
  else cache.delete(vendorId);
}

// ---- LISTEN/NOTIFY ---------------------------------------------------------------------------

interface ListenerState {
  client: pg.Client | undefined;
  timer: NodeJS.Timeout | undefined;
  failures: number;
  stopped: boolean;
}
let listener: ListenerState | undefined;

/** Whether the LISTEN connection is currently up (exposed for tests / status pages). */
export function directoryListenerConnected(): boolean {
  return listener?.client !== undefined;
}

function ensureListener(): void {
  if (listener) return;
  const state: ListenerState = { client: undefined, timer: undefined, failures: 0, stopped: false };
  listener = state;
  onCloseAll(async () => {
    state.stopped = true;
    if (state.timer) clearTimeout(state.timer);
    const c = state.client;
    state.client = undefined;
    if (listener === state) listener = undefined;
    if (c) await c.end();
  });
  void connectListener(state);
}

function scheduleReconnect(state: ListenerState): void {
  if (state.stopped || state.timer) return;
  // Capped exponential backoff with jitter; keeps trying while the process runs (background job).
  const delay = 200 + backoffDelay(Math.min(state.failures, 6), 250, 10_000);
  state.failures++;
  state.timer = setTimeout(() => {
    state.timer = undefined;
    void connectListener(state);
  }, delay);
  state.timer.unref();
}

async function connectListener(state: ListenerState): Promise<void> {
  if (state.stopped) return;
  const cfg = dbConfig();
  const client = new pg.Client({
    connectionString: cfg.url(cfg.coreCluster, "rw"),
    connectionTimeoutMillis: cfg.pool.connectionTimeoutMillis,
    keepAlive: true,
    application_name: "agora:core:directory-listener",
  });
  const lost = (why: string) => {
    if (state.client === client) state.client = undefined;
    invalidateShard();
    client.removeAllListeners("notification");
    client
      .end()
      .catch((err: unknown) =>
        process.emitWarning(`[agora/db] directory listener end: ${String(err)}`, "DatabaseWarning"),
      );
    if (!state.stopped) {
      process.emitWarning(
        `[agora/db] shard directory listener lost (${why}); cache cleared, reconnecting`,
        "DatabaseWarning",
      );
      scheduleReconnect(state);
    }
  };
  client.on("error", (err) => lost(err.message));
  client.on("end", () => {
    if (state.client === client) lost("connection ended");
  });
  client.on("notification", (msg) => {
    if (msg.channel === DIRECTORY_CHANNEL && msg.payload) invalidateShard(msg.payload);
  });
  try {
    await client.connect();
    await client.query(`LISTEN ${DIRECTORY_CHANNEL}`);
  } catch (err) {
    lost(err instanceof Error ? err.message : String(err));
    return;
  }
  if (state.stopped) {
    await client.end();
    return;
  }
  // The listener must never keep a script alive on its own; pg keeps the socket on `connection.stream`.
  (client as unknown as { connection: { stream: Socket } }).connection.stream.unref();
  state.client = client;
  state.failures = 0;
  // Anything may have changed while we were not listening.
  invalidateShard();
}
