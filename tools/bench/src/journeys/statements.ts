/**
 * What the database did for a scenario's timed part, statement by statement: `pg_stat_statements`
 * (preloaded by the local topology's Postgres) is reset on each cluster's primary when the window
 * opens and read when it closes. Divided by the units of work (orders ready), it says how many
 * statements of each kind one order costs and how much database time: the "fewer hops and
 * statements per order" the checkout's CPU table points at, counted rather than guessed.
 * A cluster where the extension cannot be loaded is left out with a note.
 */
import pg from "pg";
import type { ConnectionPeak, StatementStat } from "../report/result.ts";

export interface StatementsWindow {
  stop(): Promise<{ statements: StatementStat[]; connections: ConnectionPeak[]; notes: string[] }>;
}

/** How many statements per cluster are kept (by total time). */
const TOP = 25;

async function connect(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  c.on("error", () => undefined);
  await c.connect();
  return c;
}

/**
 * Opens the window on every cluster (`urls`: cluster → superuser URL of its primary). One
 * connection per cluster is opened here and kept to the end: it samples the primary's connections
 * every `sampleMs` (a burst can take them all, and a new one would then be refused) and reads the
 * statements at the end.
 */
export async function statementsWindow(urls: Record<string, string>, sampleMs = 500): Promise<StatementsWindow> {
  const notes: string[] = [];
  const open: { cluster: string; client: pg.Client; peak: ConnectionPeak }[] = [];
  for (const [cluster, url] of Object.entries(urls)) {
    try {
      const client = await connect(url);
      await client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      await client.query("SELECT pg_stat_statements_reset()");
      const max = await client.query<{ max_connections: string }>("SHOW max_connections");
      open.push({
        cluster,
        client,
        peak: { cluster, maxConnections: Number(max.rows[0]?.max_connections ?? 0), peak: 0, byApplication: {} },
      });
    } catch (err) {
      notes.push(`${cluster}: no statement statistics (${(err as Error).message})`);
    }
  }
  let sampling = Promise.resolve();
  const sample = () => {
    sampling = sampling.then(async () => {
      for (const o of open) {
        const { rows } = await o.client
          .query<{ app: string; n: number }>(
            "SELECT coalesce(nullif(application_name, ''), backend_type) AS app, count(*)::int AS n FROM pg_stat_activity GROUP BY 1",
          )
          .catch(() => ({ rows: [] as { app: string; n: number }[] }));
        const total = rows.reduce((n, r) => n + r.n, 0);
        o.peak.peak = Math.max(o.peak.peak, total);
        for (const r of rows) o.peak.byApplication[r.app] = Math.max(o.peak.byApplication[r.app] ?? 0, r.n);
      }
    });
  };
  const timer = setInterval(sample, sampleMs);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      const statements: StatementStat[] = [];
      for (const o of open) {
        try {
          const { rows } = await o.client.query<{ query: string; calls: string; total_ms: number; rows: string }>(
            `SELECT query, calls, total_exec_time AS total_ms, rows
               FROM pg_stat_statements
              WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                -- The product's statements only: not this sampler's, nor Patroni's (superuser).
                AND userid <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
              ORDER BY total_exec_time DESC
              LIMIT $1`,
            [TOP],
          );
          for (const r of rows)
            statements.push({
              cluster: o.cluster,
              query: r.query.replace(/\s+/g, " ").trim(),
              calls: Number(r.calls),
              totalMs: r.total_ms,
              rows: Number(r.rows),
            });
        } catch (err) {
          notes.push(`${o.cluster}: statement statistics not read (${(err as Error).message})`);
        } finally {
          await o.client.end().catch(() => undefined);
        }
      }
      return { statements, connections: open.map((o) => o.peak), notes };
    },
  };
}

/** "core: at most 87 of 100 connections (agora:core:primary:storefront-1 12, …)": the busiest holders. */
export function connectionPeakNotes(peaks: readonly ConnectionPeak[]): string[] {
  return peaks.map((p) => {
    const top = Object.entries(p.byApplication)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([app, n]) => `${app} ${n}`)
      .join(", ");
    return `${p.cluster}: at most ${p.peak} of ${p.maxConnections} connections on its primary (${top})`;
  });
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
