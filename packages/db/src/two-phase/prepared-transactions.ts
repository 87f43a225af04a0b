/**
 * Postgres two-phase commit participants (`PREPARE TRANSACTION`). A participant is a dedicated
 * `pg` session to a cluster's primary through HAProxy rw — not a pooled Prisma transaction, whose
 * connection Prisma would COMMIT or ROLLBACK itself. After PREPARE the transaction belongs to the
 * server, not the session: it survives the session, a crash of this process, a restart of
 * Postgres and a failover (it is WAL-logged and replicated), until someone runs COMMIT PREPARED or
 * ROLLBACK PREPARED with its global id (gid). Every cluster runs with max_prepared_transactions > 0
 * (infra/local/src/config/patroni.ts).
 */
import pg from "pg";
import { dbConfig } from "../clients/config.ts";
import { DatabaseError, mapDatabaseError } from "../errors/database-errors.ts";

/** Global transaction ids are written into SQL as literals: keep them to a safe alphabet. */
const GID_RE = /^[A-Za-z0-9:_-]{1,200}$/;

export class InvalidGidError extends DatabaseError {
  constructor(gid: string) {
    super("INVALID_GID", `global transaction id "${gid}" must match ${GID_RE}`);
  }
}

function literal(gid: string): string {
  if (!GID_RE.test(gid)) throw new InvalidGidError(gid);
  return `'${gid}'`;
}

/** Ends a session; a failure to say goodbye to a dead server is reported, not thrown. */
async function end(client: pg.Client, cluster: string): Promise<void> {
  try {
    await client.end();
  } catch (err) {
    process.emitWarning(
      `[agora/db] ${cluster} closing session: ${(err as Error).message}`,
      "DatabaseWarning",
    );
  }
}

async function connect(cluster: string, purpose: string): Promise<pg.Client> {
  const cfg = dbConfig();
  const client = new pg.Client({
    connectionString: cfg.url(cluster, "rw"),
    connectionTimeoutMillis: cfg.pool.connectionTimeoutMillis,
    statement_timeout: cfg.pool.statementTimeoutMs,
    query_timeout: cfg.pool.queryTimeoutMs,
    keepAlive: true,
    application_name: `agora:${cluster}:${purpose}`,
  });
  // A session dying under us (failover) must surface as a failed query, not crash the process.
  client.on("error", (err) => {
    process.emitWarning(`[agora/db] ${cluster} ${purpose}: ${err.message}`, "DatabaseWarning");
  });
  try {
    await client.connect();
  } catch (err) {
    await end(client, cluster);
    throw mapDatabaseError(err, cluster);
  }
  return client;
}

/** Runs `fn` on a fresh session outside any transaction, mapping connection errors. */
async function withSession<T>(
  cluster: string,
  purpose: string,
  fn: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = await connect(cluster, purpose);
  try {
    return await fn(client);
  } catch (err) {
    throw mapDatabaseError(err, cluster);
  } finally {
    await end(client, cluster);
  }
}

/**
 * One participant's local transaction: `begin`, run statements with `query`, then `prepare(gid)`.
 * Until prepared, `rollback()` (or closing the session) undoes everything; once prepared only
 * `commitPrepared`/`rollbackPrepared` decide it.
 */
export interface ParticipantSession {
  readonly cluster: string;
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
  prepare(gid: string): Promise<void>;
  /** Rolls back the still-open (unprepared) transaction. */
  rollback(): Promise<void>;
  close(): Promise<void>;
}

export async function beginParticipant(
  cluster: string,
  purpose: string,
): Promise<ParticipantSession> {
  const client = await connect(cluster, purpose);
  const run = async <R extends pg.QueryResultRow>(sql: string, values?: unknown[]) => {
    try {
      return await client.query<R>(sql, values);
    } catch (err) {
      throw mapDatabaseError(err, cluster);
    }
  };
  try {
    await run("BEGIN");
  } catch (err) {
    await end(client, cluster);
    throw err;
  }
  return {
    cluster,
    query: run,
    prepare: async (gid) => void (await run(`PREPARE TRANSACTION ${literal(gid)}`)),
    rollback: async () => void (await run("ROLLBACK")),
    // Ending the session rolls back a transaction that was neither prepared nor rolled back.
    close: () => end(client, cluster),
  };
}

export interface PreparedTransaction {
  cluster: string;
  gid: string;
  preparedAt: Date;
  owner: string;
}

/** Prepared transactions of the app database on `cluster` whose gid starts with `prefix`. */
export function listPreparedTransactions(
  cluster: string,
  prefix: string,
): Promise<PreparedTransaction[]> {
  return withSession(cluster, "2pc-scan", async (client) => {
    const r = await client.query<{ gid: string; prepared: Date; owner: string }>(
      `SELECT gid, prepared, owner FROM pg_prepared_xacts
       WHERE database = current_database() AND starts_with(gid, $1) ORDER BY prepared`,
      [prefix],
    );
    return r.rows.map((x) => ({ cluster, gid: x.gid, preparedAt: x.prepared, owner: x.owner }));
  });
}

/** SQLSTATE 42704: no prepared transaction with that gid (already finished, or never prepared). */
function isUnknownGid(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === "42704";
}

async function finish(cluster: string, verb: "COMMIT" | "ROLLBACK", gid: string): Promise<boolean> {
  const sql = `${verb} PREPARED ${literal(gid)}`;
  return withSession(cluster, "2pc-finish", async (client) => {
    try {
      await client.query(sql);
      return true;
    } catch (err) {
      if (isUnknownGid(err)) return false;
      throw err;
    }
  });
}

/** COMMIT PREPARED; false when no such prepared transaction exists (idempotent). */
export function commitPrepared(cluster: string, gid: string): Promise<boolean> {
  return finish(cluster, "COMMIT", gid);
}

/** ROLLBACK PREPARED; false when no such prepared transaction exists (idempotent). */
export function rollbackPrepared(cluster: string, gid: string): Promise<boolean> {
  return finish(cluster, "ROLLBACK", gid);
}

/** `max_prepared_transactions` of the cluster's primary (0 means two-phase commit is off). */
export function maxPreparedTransactions(cluster: string): Promise<number> {
  return withSession(cluster, "2pc-check", async (client) => {
    const r = await client.query<{ v: string }>(
      "SELECT current_setting('max_prepared_transactions') AS v",
    );
    return Number(r.rows[0]?.v ?? 0);
  });
}
