/**
 * Explicit read consistency (ARCHITECTURE §4): each read says how stale it may be, and this module
 * decides per read whether a replica may serve it. The staleness check and the read run in ONE
 * transaction on the SAME replica connection — checking on one connection and reading on another
 * could hit a different, more lagged replica behind HAProxy.
 */
import { DatabaseUnavailableError, mapDatabaseError } from "../errors/database-errors.ts";

/** A primary WAL position (`pg_current_wal_lsn()`), e.g. "0/3000148". Keep it per session. */
export type CommitToken = string;

export type ReadConsistency =
  | { level: "strong" }
  | { level: "bounded"; maxLagMs: number }
  | { level: "eventual" }
  | { level: "read-your-writes"; token: CommitToken | null | undefined };

export type ServedBy = "primary" | "replica";

export type ReadReason =
  | "strong" // asked for the primary
  | "eventual" // any replica (the ro endpoint), no check
  | "within-bound" // replica lag <= maxLagMs
  | "lag-exceeded" // replica lag unknown or > maxLagMs → primary
  | "caught-up" // replica replayed past the token
  | "not-caught-up" // replica behind the token → primary
  | "no-token" // read-your-writes without a prior write: any replica
  | "replica-unavailable" // replica endpoint failed → primary
  | "replica-is-primary"; // the ro endpoint answered from a node not in recovery

export interface ReadResult<T> {
  value: T;
  servedBy: ServedBy;
  reason: ReadReason;
  /** Replica replay lag seen by a bounded read's check (ms); undefined when not measured. */
  lagMs?: number;
}

const LSN_RE = /^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i;

export const LAG_PROBE_SQL = `SELECT pg_is_in_recovery() AS in_recovery,
  (CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000 END)::float8 AS lag_ms`;

export const REPLAY_PROBE_SQL = `SELECT pg_is_in_recovery() AS in_recovery,
  COALESCE(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS caught_up`;

export const COMMIT_TOKEN_SQL = `SELECT pg_current_wal_lsn()::text AS lsn`;

/** Structural view of a Prisma client (or transaction client) that can run raw SQL. */
export interface RawQueryable {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}
export interface Transactional<Tx> {
  $transaction<R>(
    fn: (tx: Tx) => Promise<R>,
    options?: { maxWait?: number; timeout?: number },
  ): Promise<R>;
}

export interface ReadTarget<Db extends Transactional<Tx> & RawQueryable, Tx extends RawQueryable> {
  cluster: string;
  primary: () => Db;
  replica: () => Db;
  transaction: { maxWait: number; timeout: number };
}

type Decision =
  | { use: true; reason: ReadReason; lagMs?: number }
  | { use: false; reason: ReadReason; lagMs?: number };

/** Pure: given the replica's probe row, may it serve a bounded read? */
export function decideBounded(
  row: { in_recovery: boolean; lag_ms: number | null },
  maxLagMs: number,
): Decision {
  if (!row.in_recovery) return { use: true, reason: "replica-is-primary", lagMs: 0 };
  const lag = row.lag_ms;
  if (lag === null || !Number.isFinite(lag)) return { use: false, reason: "lag-exceeded" };
  return lag <= maxLagMs
    ? { use: true, reason: "within-bound", lagMs: lag }
    : { use: false, reason: "lag-exceeded", lagMs: lag };
}

export function assertCommitToken(token: string): CommitToken {
  if (!LSN_RE.test(token))
    throw new TypeError(`not a commit token (WAL LSN like "0/3000148"): "${token}"`);
  return token;
}

class FallBack {
  constructor(readonly decision: Decision) {}
}

/**
 * Runs `fn` where `consistency` allows. Errors from `fn` propagate unchanged, except that a replica
 * that is unreachable makes the read fall back to the primary (reads are safe to repeat).
 */
export async function readWithConsistency<
  Db extends Transactional<Tx> & RawQueryable,
  Tx extends RawQueryable,
  T,
>(
  target: ReadTarget<Db, Tx>,
  consistency: ReadConsistency,
  fn: (db: Tx) => Promise<T>,
): Promise<ReadResult<T>> {
  // Every path runs `fn` inside a transaction, so transaction-local settings `fn` makes first
  // (the tenant scope that row-level security reads) hold for all of its statements.
  const onPrimary = async (reason: ReadReason, lagMs?: number): Promise<ReadResult<T>> => ({
    value: await target.primary().$transaction(fn, target.transaction),
    servedBy: "primary",
    reason,
    ...(lagMs === undefined ? {} : { lagMs }),
  });

  // Runs the probe and, if it allows, `fn` inside one replica transaction (one connection).
  const onCheckedReplica = async (probe: (tx: Tx) => Promise<Decision>): Promise<ReadResult<T>> => {
    let outcome: { value: T; decision: Decision } | FallBack;
    try {
      outcome = await target.replica().$transaction(async (tx) => {
        const decision = await probe(tx);
        if (!decision.use) return new FallBack(decision);
        return { value: await fn(tx), decision };
      }, target.transaction);
    } catch (err) {
      const mapped = mapDatabaseError(err, target.cluster);
      if (mapped instanceof DatabaseUnavailableError) return onPrimary("replica-unavailable");
      throw mapped;
    }
    if (outcome instanceof FallBack)
      return onPrimary(outcome.decision.reason, outcome.decision.lagMs);
    const d = outcome.decision;
    return {
      value: outcome.value,
      servedBy: d.reason === "replica-is-primary" ? "primary" : "replica",
      reason: d.reason,
      ...(d.lagMs === undefined ? {} : { lagMs: d.lagMs }),
    };
  };

  switch (consistency.level) {
    case "strong":
      return onPrimary("strong");
    case "eventual": {
      try {
        return {
          value: await target.replica().$transaction(fn, target.transaction),
          servedBy: "replica",
          reason: "eventual",
        };
      } catch (err) {
        const mapped = mapDatabaseError(err, target.cluster);
        if (mapped instanceof DatabaseUnavailableError) return onPrimary("replica-unavailable");
        throw mapped;
      }
    }
    case "bounded": {
      const bound = consistency.maxLagMs;
      if (!(bound >= 0)) throw new RangeError(`maxLagMs must be >= 0, got ${bound}`);
      return onCheckedReplica(async (tx) => {
        const rows =
          await tx.$queryRawUnsafe<{ in_recovery: boolean; lag_ms: number | null }[]>(
            LAG_PROBE_SQL,
          );
        return decideBounded(rows[0] ?? { in_recovery: true, lag_ms: null }, bound);
      });
    }
    case "read-your-writes": {
      const token = consistency.token;
      if (token === null || token === undefined || token === "") {
        return onCheckedReplica(async () => ({ use: true, reason: "no-token" }));
      }
      assertCommitToken(token);
      return onCheckedReplica(async (tx) => {
        const rows = await tx.$queryRawUnsafe<{ in_recovery: boolean; caught_up: boolean }[]>(
          REPLAY_PROBE_SQL,
          token,
        );
        const row = rows[0];
        if (row && !row.in_recovery) return { use: true, reason: "replica-is-primary" };
        return row?.caught_up
          ? { use: true, reason: "caught-up" }
          : { use: false, reason: "not-caught-up" };
      });
    }
  }
}

/** WAL position of the primary right after a write: pass it to a later read-your-writes read. */
export async function commitTokenFrom(primary: RawQueryable): Promise<CommitToken> {
  const rows = await primary.$queryRawUnsafe<{ lsn: string }[]>(COMMIT_TOKEN_SQL);
  const lsn = rows[0]?.lsn;
  if (!lsn) throw new Error("pg_current_wal_lsn() returned nothing");
  return lsn;
}
