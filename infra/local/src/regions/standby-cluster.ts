/**
 * `core`'s standby cluster in the `us` region: a Patroni cluster of its own (scope `core-us`) whose
 * leader is a *standby leader* — it replicates from eu's core primary through the region link
 * (asynchronously: eu's commits never wait for us) and can never take a write. Its DCS is eu's
 * etcd, also through the link, with `use_proxies` so the etcd client keeps to the link's addresses
 * instead of discovering eu's members and dialling them directly. A standby leader that loses its
 * DCS (a cut link) stays a running, read-only replica (Patroni only demotes a *primary* then), so
 * the region keeps serving reads.
 */
import pg from "pg";
import { patroniConfig } from "../config/patroni.ts";
import { patroniRest } from "../probes/patroni.ts";
import {
  etcdClientPorts,
  databaseUrl,
  linkPort,
  memberUrl,
  type PgMember,
  PRIMARY_REGION,
  type RemoteRegion,
  type Secrets,
  type Topology,
} from "../topology.ts";

export function standbyPatroniConfig(t: Topology, r: RemoteRegion, m: PgMember, s: Secrets): object {
  const base = patroniConfig(t, r.coreStandby, m, s) as {
    etcd: Record<string, unknown>;
    bootstrap: { dcs: Record<string, unknown> };
  };
  return {
    ...base,
    etcd: {
      ...base.etcd,
      hosts: etcdClientPorts(t, r.name).map((e) => `${t.host}:${e.port}`),
      use_proxies: true,
    },
    bootstrap: {
      ...base.bootstrap,
      dcs: {
        ...base.bootstrap.dcs,
        synchronous_mode: false,
        standby_cluster: {
          host: t.host,
          port: linkPort(r, "core-replication"),
          create_replica_methods: ["basebackup"],
        },
      },
    },
  };
}

export interface StandbyStatus {
  member: string;
  /** Patroni's view: standby_leader when all is well. */
  role: string | null;
  /** streaming / (none) — the WAL receiver's state. */
  receiver: string | null;
  /** WAL the eu primary has written that this copy has not replayed (null: eu not reachable from here). */
  lagBytes: number | null;
  /** Age of the copy by eu's replication heartbeat (ms); grows while the link is cut. */
  heartbeatAgeMs: number | null;
  error?: string;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>, timeoutMs = 2_000): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs });
  client.on("error", () => {
    // the query reports it
  });
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, timeoutMs = 2_000): Promise<T | undefined> {
  return withClient(url, async (c) => (await c.query<T>(sql)).rows[0], timeoutMs);
}

/** Age of the copy by the core region's heartbeat; null before migrations created the table or the first beat. */
async function heartbeatAge(c: pg.Client): Promise<number | null> {
  const exists = await c.query<{ t: string | null }>("SELECT to_regclass('public.replication_heartbeats')::text AS t");
  if (!exists.rows[0]?.t) return null;
  const r = await c.query<{ age_ms: number | null }>(
    `SELECT (extract(epoch FROM clock_timestamp() - beat_at) * 1000)::float8 AS age_ms
     FROM replication_heartbeats WHERE region = $1`,
    [PRIMARY_REGION],
  );
  const age = r.rows[0]?.age_ms;
  return age === null || age === undefined ? null : Math.round(age);
}

/** The standby as operators read it: role, receiver, bytes and age behind eu (status, CLI, tests). */
export async function standbyStatus(t: Topology, r: RemoteRegion): Promise<StandbyStatus[]> {
  const euLsn = await query<{ lsn: string }>(
    databaseUrl(t, "core", "rw", { as: "superuser", database: "postgres" }),
    "SELECT pg_current_wal_lsn()::text AS lsn",
  ).catch(() => undefined);
  return Promise.all(
    r.coreStandby.nodes.map(async (m): Promise<StandbyStatus> => {
      const role = await patroniRest(m, "/patroni", { timeoutMs: 1_500 })
        .then((x) => (x.status === 200 ? ((JSON.parse(x.body) as { role?: string }).role ?? null) : null))
        .catch(() => null);
      try {
        return await withClient(memberUrl(t, m, t.postgres.database), async (c) => {
          const row = (
            await c.query<{ receiver: string | null; lag_bytes: string | null }>(
              `SELECT (SELECT status FROM pg_stat_wal_receiver) AS receiver,
                 CASE WHEN $1::text IS NULL THEN NULL
                      ELSE pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::bigint::text END AS lag_bytes`,
              [euLsn?.lsn ?? null],
            )
          ).rows[0];
          return {
            member: m.name,
            role,
            receiver: row?.receiver ?? null,
            lagBytes: row?.lag_bytes === null || row?.lag_bytes === undefined ? null : Math.max(0, Number(row.lag_bytes)),
            heartbeatAgeMs: await heartbeatAge(c),
          };
        });
      } catch (err) {
        return { member: m.name, role, receiver: null, lagBytes: null, heartbeatAgeMs: null, error: (err as Error).message };
      }
    }),
  );
}

/** True once the member runs as the standby cluster's leader and streams from eu. */
export async function standbyStreaming(t: Topology, m: PgMember): Promise<boolean> {
  const row = await query<{ receiver: string | null; r: boolean }>(
    memberUrl(t, m),
    "SELECT pg_is_in_recovery() AS r, (SELECT status FROM pg_stat_wal_receiver) AS receiver",
    1_500,
  ).catch(() => undefined);
  return row?.r === true && row.receiver === "streaming";
}
