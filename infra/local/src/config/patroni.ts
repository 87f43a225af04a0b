import { dirname, join } from "node:path";
import type { ClusterTopology, PgMember, Secrets, Topology } from "../topology.ts";

/** DCS timing: Patroni requires loop_wait + 2 * retry_timeout <= ttl. */
export const PATRONI_TIMING = { ttl: 10, loop_wait: 2, retry_timeout: 3 } as const;

export function socketDir(_t: Topology): string {
  // Unix socket paths are limited to ~107 bytes; the state folder can be deeper than that.
  return "/tmp";
}

/**
 * Patroni member configuration. Written as JSON, which is valid YAML, so no YAML library is
 * needed. Uses the v2 `etcd:` DCS backend on purpose (compare-and-swap leader key updates).
 */
export function patroniConfig(t: Topology, c: ClusterTopology, m: PgMember, s: Secrets): object {
  const addr = (port: number) => `${t.host}:${port}`;
  return {
    scope: c.name,
    namespace: t.profile.namespace,
    name: m.name,
    log: { level: "INFO", format: "%(asctime)s %(levelname)s: %(message)s" },
    restapi: { listen: addr(m.restPort), connect_address: addr(m.restPort) },
    etcd: { hosts: t.etcd.map((e) => addr(e.clientPort)), protocol: "http" },
    bootstrap: {
      dcs: {
        ...PATRONI_TIMING,
        maximum_lag_on_failover: 1048576,
        synchronous_mode: c.synchronous,
        synchronous_mode_strict: false,
        postgresql: {
          use_pg_rewind: true,
          use_slots: true,
          parameters: {
            wal_level: "replica",
            hot_standby: "on",
            wal_log_hints: "on",
            max_connections: 100,
            max_wal_senders: 10,
            max_replication_slots: 10,
            wal_keep_size: "256MB",
            hot_standby_feedback: "on",
            // Two-phase commit (payment settlement) needs prepared transactions on every cluster.
            max_prepared_transactions: 20,
            max_locks_per_transaction: 128,
            track_commit_timestamp: "on",
          },
        },
      },
      initdb: [{ encoding: "UTF8" }, { locale: "C.UTF-8" }, "data-checksums"],
    },
    postgresql: {
      listen: addr(m.pgPort),
      connect_address: addr(m.pgPort),
      data_dir: m.dataDir,
      bin_dir: t.postgres.binDir,
      pgpass: join(dirname(m.dataDir), "pgpass"),
      authentication: {
        superuser: { username: t.postgres.superuser, password: s.superuserPassword },
        replication: { username: t.postgres.replicationUser, password: s.replicationPassword },
        rewind: { username: t.postgres.superuser, password: s.superuserPassword },
      },
      pg_hba: [
        "local all all trust",
        `host replication ${t.postgres.replicationUser} 127.0.0.1/32 scram-sha-256`,
        "host all all 127.0.0.1/32 scram-sha-256",
      ],
      parameters: {
        unix_socket_directories: socketDir(t),
        shared_buffers: "32MB",
        work_mem: "8MB",
        maintenance_work_mem: "64MB",
        // Local demo durability: fsync stays on so kill -9 tests mean something.
        fsync: "on",
        synchronous_commit: "on",
        log_min_messages: "warning",
        log_line_prefix: "%m [%p] %q%u@%d ",
      },
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  };
}
