/**
 * Lazily created, cached Prisma clients per cluster: `primary` goes through HAProxy's rw port
 * (whichever node is primary now), `replica` through the ro port (a healthy replica). After a
 * failover nothing here needs resetting: pg discards broken connections and HAProxy points the
 * next one at the new primary.
 */
import { UnknownShardError } from "../errors/database-errors.ts";
import {
  commitTokenFrom,
  readWithConsistency,
  type CommitToken,
  type ReadConsistency,
  type RawQueryable,
  type ReadResult,
  type Transactional,
} from "../replicas/consistency.ts";
import { dbConfig } from "./config.ts";
import {
  createCoreDb,
  createShardDb,
  type CoreDb,
  type CoreTx,
  type NodeRole,
  type ShardDb,
  type ShardTx,
} from "./prisma-clients.ts";

export interface ClusterHandle<Db, Tx> {
  /** Cluster name from the topology: "core", "shard-1", … */
  readonly name: string;
  /** Client for writes and strong reads (HAProxy rw). */
  readonly primary: Db;
  /** Client for stale-tolerant reads (HAProxy ro). Prefer `read(...)`, which checks staleness. */
  readonly replica: Db;
  /** Runs `fn` on the replica or the primary as `consistency` allows and says which served it. */
  read<T>(consistency: ReadConsistency, fn: (db: Tx) => Promise<T>): Promise<ReadResult<T>>;
  /** Primary WAL position now; call right after a write, use as a read-your-writes token. */
  commitToken(): Promise<CommitToken>;
}

export type CoreHandle = ClusterHandle<CoreDb, CoreTx>;
export type ShardHandle = ClusterHandle<ShardDb, ShardTx>;

interface Disconnectable {
  $disconnect(): Promise<void>;
}

const created = new Map<string, Disconnectable>();
const handles = new Map<string, CoreHandle | ShardHandle>();

function lazyClient<Db extends Disconnectable>(
  cluster: string,
  role: NodeRole,
  make: (url: string) => Db,
): () => Db {
  let db: Db | undefined;
  return () => {
    if (!db) {
      db = make(dbConfig().url(cluster, role === "primary" ? "rw" : "ro"));
      created.set(`${cluster}/${role}`, db);
    }
    return db;
  };
}

function makeHandle<Db extends Disconnectable, Tx>(
  name: string,
  make: (url: string, role: NodeRole) => Db,
  read: (primary: () => Db, replica: () => Db) => ClusterHandle<Db, Tx>["read"],
  token: (primary: Db) => Promise<CommitToken>,
): ClusterHandle<Db, Tx> {
  const primary = lazyClient(name, "primary", (url) => make(url, "primary"));
  const replica = lazyClient(name, "replica", (url) => make(url, "replica"));
  return {
    name,
    get primary() {
      return primary();
    },
    get replica() {
      return replica();
    },
    read: read(primary, replica),
    commitToken: () => token(primary()),
  };
}

/** The core cluster (users, orders, payments, ledger, shard directory, search read model). */
export function core(): CoreHandle {
  const name = dbConfig().coreCluster;
  return cachedHandle<CoreDb, CoreTx>(name, (url, role) =>
    createCoreDb(url, name, role, dbConfig().poolFor(name, role === "primary" ? "rw" : "ro")),
  );
}

/** Names of the shard clusters, e.g. ["shard-1", "shard-2"]. */
export function shardNames(): readonly string[] {
  return dbConfig().shardClusters;
}

/** One shard cluster by name. Most callers want `forVendor(vendorId)` instead. */
export function shard(name: string): ShardHandle {
  const cfg = dbConfig();
  if (!cfg.shardClusters.includes(name)) throw new UnknownShardError(name, cfg.shardClusters);
  return cachedHandle<ShardDb, ShardTx>(name, (url, role) =>
    createShardDb(url, name, role, cfg.poolFor(name, role === "primary" ? "rw" : "ro")),
  );
}

/**
 * The cached handle of cluster `name`, made on first use. Core and shards differ only in their
 * Prisma client (and so in the types), which `make` supplies.
 */
function cachedHandle<
  Db extends Disconnectable & Transactional<Tx> & RawQueryable,
  Tx extends RawQueryable,
>(name: string, make: (url: string, role: NodeRole) => Db): ClusterHandle<Db, Tx> {
  const existing = handles.get(name);
  if (existing) return existing as unknown as ClusterHandle<Db, Tx>;
  const cfg = dbConfig();
  const tx = { maxWait: cfg.pool.transactionMaxWaitMs, timeout: cfg.pool.transactionTimeoutMs };
  const h = makeHandle<Db, Tx>(
    name,
    make,
    (primary, replica) => (consistency, fn) =>
      readWithConsistency({ cluster: name, primary, replica, transaction: tx }, consistency, fn),
    (p) => commitTokenFrom(p),
  );
  handles.set(name, h as unknown as CoreHandle | ShardHandle);
  return h;
}

const closeHooks: (() => Promise<void>)[] = [];
/** Lets other modules (the shard directory listener) stop with `closeAll()`. */
export function onCloseAll(hook: () => Promise<void>): void {
  closeHooks.push(hook);
}

/** Disconnects every client created so far; the next call to core()/shard() starts fresh. */
export async function closeAll(): Promise<void> {
  const dbs = [...created.values()];
  created.clear();
  handles.clear();
  const hooks = closeHooks.splice(0);
  const results = await Promise.allSettled([
    ...hooks.map((h) => h()),
    ...dbs.map((d) => d.$disconnect()),
  ]);
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed.length > 0)
    throw new AggregateError(
      failed.map((f) => f.reason as unknown),
      "closeAll: some clients failed to disconnect",
    );
}
