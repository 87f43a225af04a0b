/**
 * What the database did for a scenario's timed part, statement by statement: `pg_stat_statements`
 * (preloaded by the local topology's Postgres) is reset on each cluster's primary when the window
 * opens and read when it closes. Divided by the units of work (orders ready), it says how many
 * statements of each kind one order costs and how much database time: the "fewer hops and
 * statements per order" the checkout's CPU table points at, counted rather than guessed.
 * A cluster where the extension cannot be loaded is left out with a note.
 */
import pg from "pg";

export interface StatementStat {
  cluster: string;
  /** Normalised text (constants as $n), whitespace collapsed. */
  query: string;
  calls: number;
  totalMs: number;
  rows: number;
}

export interface StatementsWindow {
  stop(): Promise<{ statements: StatementStat[]; notes: string[] }>;
}

/** How many statements per cluster are kept (by total time). */
const TOP = 25;

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  c.on("error", () => undefined);
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function withRetries<T>(fn: () => Promise<T>, tries = 6): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= tries) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500 * i));
    }
  }
}

/** Opens the window on every cluster (`urls`: cluster → superuser URL of its primary). */
export async function statementsWindow(urls: Record<string, string>): Promise<StatementsWindow> {
  const notes: string[] = [];
  const open: [string, string][] = [];
  for (const [cluster, url] of Object.entries(urls)) {
    try {
      await withClient(url, async (c) => {
        await c.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        await c.query("SELECT pg_stat_statements_reset()");
      });
      open.push([cluster, url]);
    } catch (err) {
      notes.push(`${cluster}: no statement statistics (${(err as Error).message})`);
    }
  }
  return {
    async stop() {
      const statements: StatementStat[] = [];
      for (const [cluster, url] of open) {
        try {
          // Right after a burst a primary can still be at max_connections: a few tries.
          const { rows } = await withRetries(() => withClient(url, (c) =>
            c.query<{ query: string; calls: string; total_ms: number; rows: string }>(
              `SELECT query, calls, total_exec_time AS total_ms, rows
                 FROM pg_stat_statements
                WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                ORDER BY total_exec_time DESC
                LIMIT $1`,
              [TOP],
            ),
          ));
          for (const r of rows)
            statements.push({
              cluster,
              query: r.query.replace(/\s+/g, " ").trim(),
              calls: Number(r.calls),
              totalMs: r.total_ms,
              rows: Number(r.rows),
            });
        } catch (err) {
          notes.push(`${cluster}: statement statistics not read (${(err as Error).message})`);
        }
      }
      return { statements, notes };
    },
  };
}

/**
 * "core: 41 statements, 38 ms per order (top: 6.0× 9.1 ms INSERT INTO outbox …)": per cluster, the
 * statements and database time one unit cost, with its three most expensive statements.
 */
export function statementsPerUnitNotes(statements: readonly StatementStat[], units: number, unit = "order"): string[] {
  if (units === 0) return [];
  const byCluster = new Map<string, StatementStat[]>();
  for (const s of statements) byCluster.set(s.cluster, [...(byCluster.get(s.cluster) ?? []), s]);
  return [...byCluster].map(([cluster, ss]) => {
    const calls = ss.reduce((n, s) => n + s.calls, 0) / units;
    const ms = ss.reduce((n, s) => n + s.totalMs, 0) / units;
    const top = [...ss]
      .sort((a, b) => b.totalMs - a.totalMs)
      .slice(0, 3)
      .map((s) => `${(s.calls / units).toFixed(1)}× ${(s.totalMs / units).toFixed(1)} ms ${s.query.slice(0, 70)}`)
      .join("; ");
    return `${cluster}: ${calls.toFixed(1)} statements, ${ms.toFixed(1)} ms of database time per ${unit} (top ${ss.length} statements; most: ${top})`;
  });
}
