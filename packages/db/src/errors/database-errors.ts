/**
 * Typed errors of the data layer. Connection-level failures (failover, restart, replica not ready)
 * become one `DatabaseUnavailableError` so callers can fail fast and decide to retry, instead of
 * parsing driver messages.
 */

export class DatabaseError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class DatabaseUnavailableError extends DatabaseError {
  readonly retryable = true as const;
  readonly cluster: string;
  /** The driver / SQLSTATE code that was recognised, e.g. `ECONNREFUSED` or `57P01`. */
  readonly reason: string;
  constructor(cluster: string, reason: string, options?: { cause?: unknown }) {
    super("DB_UNAVAILABLE", `database cluster "${cluster}" is unavailable (${reason})`, options);
    this.cluster = cluster;
    this.reason = reason;
  }
}

export class VendorNotFoundError extends DatabaseError {
  readonly vendorId: string;
  constructor(vendorId: string) {
    super("VENDOR_NOT_FOUND", `vendor ${vendorId} is not in the shard directory`);
    this.vendorId = vendorId;
  }
}

export class UnknownShardError extends DatabaseError {
  constructor(shard: string, known: readonly string[]) {
    super("UNKNOWN_SHARD", `unknown shard "${shard}" (known: ${known.join(", ")})`);
  }
}

export class MigrationChecksumError extends DatabaseError {
  readonly cluster: string;
  readonly version: string;
  constructor(cluster: string, version: string, name: string, expected: string, actual: string) {
    super(
      "MIGRATION_CHECKSUM_MISMATCH",
      `cluster "${cluster}": migration ${version}_${name} was already applied with checksum ${expected.slice(0, 12)}… ` +
        `but the file now has ${actual.slice(0, 12)}…; applied migrations must never be edited — add a new numbered file instead`,
    );
    this.cluster = cluster;
    this.version = version;
  }
}

/** SQLSTATEs that mean "this node cannot serve you right now", not "your query is wrong". */
const UNAVAILABLE_SQLSTATES = new Set([
  "57P01", // admin_shutdown: terminated by failover / restart
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now: starting up / in recovery
  "25006", // read_only_sql_transaction: we reached a replica that used to be the primary
  "40001", // serialization_failure (also: conflict with recovery on a replica)
  "40P01", // deadlock_detected: safe to retry the whole transaction
  "08000",
  "08001",
  "08003",
  "08004",
  "08006", // connection_exception family
  "53300", // too_many_connections
]);
const UNAVAILABLE_NODE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "ECONNABORTED",
]);
/** Prisma's own codes for unreachable / timed out / closed connections and pool timeouts. */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024"]);
/** Kinds the Prisma pg adapter assigns (`DriverAdapterError.cause.kind`). */
const UNAVAILABLE_ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TransactionWriteConflict",
  "TooManyConnections",
]);
const UNAVAILABLE_MESSAGES: readonly RegExp[] = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  // pg's Client gave up opening the socket (its own connectionTimeoutMillis).
  /^timeout expired$/i,
  /connection timeout/i,
  /query read timeout/i,
  /terminating connection/i,
  /server closed the connection/i,
  /the database system is (starting up|shutting down|in recovery|not yet accepting)/i,
  /cannot execute .* in a read-only transaction/i,
  /client has encountered a connection error/i,
  /connection ended/i,
  // Prisma's P2028 when its pool gave no connection within `maxWait`: the transaction never began,
  // so it is safe to retry (P2028's other cases — a transaction past its `timeout` — are not here).
  /unable to start a transaction in the given time/i,
];

/**
 * Every error object in `err`'s chain: `cause`, Prisma `meta.driverAdapterError`/`meta.cause` and
 * AggregateError members, each once. Errors from pg, Prisma and Node are plain objects with
 * optional fields, so callers read them loosely.
 */
export function errorChain(err: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const seen = new Set<unknown>();
  const stack: unknown[] = [err];
  while (stack.length > 0 && seen.size < 32) {
    const e = stack.pop();
    if (e === null || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const o = e as Record<string, unknown>;
    out.push(o);
    stack.push(o.cause);
    if (o.meta && typeof o.meta === "object") {
      const meta = o.meta as Record<string, unknown>;
      stack.push(meta.driverAdapterError, meta.cause);
    }
    if (Array.isArray(o.errors)) stack.push(...o.errors);
  }
  return out;
}

function collectSignals(err: unknown): { codes: string[]; messages: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  for (const o of errorChain(err)) {
    for (const k of ["code", "originalCode", "kind", "errorCode"]) {
      if (typeof o[k] === "string") codes.push(o[k]);
    }
    for (const k of ["message", "originalMessage", "reason"]) {
      if (typeof o[k] === "string") messages.push(o[k]);
    }
  }
  return { codes, messages };
}

/** The recognised reason if `err` means the database is unreachable/unusable right now, else undefined. */
export function unavailableReason(err: unknown): string | undefined {
  if (err instanceof DatabaseUnavailableError) return err.reason;
  const { codes, messages } = collectSignals(err);
  for (const c of codes) {
    if (
      UNAVAILABLE_SQLSTATES.has(c) ||
      UNAVAILABLE_NODE_CODES.has(c) ||
      UNAVAILABLE_PRISMA_CODES.has(c) ||
      UNAVAILABLE_ADAPTER_KINDS.has(c)
    ) {
      return c;
    }
  }
  for (const m of messages) {
    const hit = UNAVAILABLE_MESSAGES.find((r) => r.test(m));
    if (hit) return m.slice(0, 120);
  }
  return undefined;
}

/** Returns a `DatabaseUnavailableError` for connection-level failures, otherwise `err` unchanged. */
export function mapDatabaseError(err: unknown, cluster: string): unknown {
  if (err instanceof DatabaseUnavailableError) return err;
  const reason = unavailableReason(err);
  return reason === undefined ? err : new DatabaseUnavailableError(cluster, reason, { cause: err });
}

export function isRetryable(err: unknown): boolean {
  return err instanceof DatabaseUnavailableError || unavailableReason(err) !== undefined;
}
