import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import { patroniTlsFiles } from "../security/tls-files.ts";
import { type ClusterTopology, etcdClientPorts, type PgMember, PRIMARY_REGION, type Secrets, type Topology } from "../topology.ts";

/**
 * DCS timing (whole seconds: Patroni reads them as integers). Patroni requires
 * `loop_wait + 2 * retry_timeout <= ttl`; these are the smallest values that satisfy it, chosen to
 * bring a node failover under 5 s of write unavailability (docs/runbooks/failover-drill.md has
 * the before/after drills and the false-failover check under a saturated CPU).
 * - `ttl 3` (was 10): a dead leader's lock expires 2-3 s after its last renewal, which is most of
 *   the failover time. It is also how long a live leader may go without renewing before a replica
 *   takes over: a primary stalled ~2 s (CPU starvation, a slow etcd) now loses its lock.
 * - `loop_wait 1` (was 2): the leader renews every second, so one missed renewal still leaves
 *   ~2 s of lock; replicas notice an expired lock through their etcd watch at once either way.
 *   Costs one more HA cycle (a query and an etcd write) per member per second.
 * - `retry_timeout 1` (was 3): how long one etcd or Postgres operation of the HA loop may take.
 *   Patroni gives each etcd member >= 1 s and tries the next one after a refusal or a timeout, so
 *   one dead or frozen member costs a renewal ~1 s. An etcd leader election (1–2 s with a 1 s
 *   election timeout) outlasts that often: the renewal fails with "DCS is not accessible".
 */
export const PATRONI_TIMING = { ttl: 3, loop_wait: 1, retry_timeout: 1 } as const;

/**
 * Patroni's dynamic settings besides the timing (written at bootstrap, and patched into existing
 * clusters at start-up like the timing).
 * - `failsafe_mode` (Patroni ≥ 3.0): a primary that cannot reach etcd keeps running as primary if
 *   every other member of its cluster answers its `POST /failsafe` (and so is not promoting).
 *   Without it a primary demotes itself as soon as one lock renewal fails with the DCS
 *   unreachable — which an etcd leader election of ~1.9 s against `retry_timeout 1` did in one of
 *   three etcd drills on a quiet box (core failed over; the CI run showed the same). Split brain
 *   stays fenced: a member that cannot answer (frozen, dead, cut off) makes the primary demote as
 *   before, a replica does not take the lock while a member reports itself primary, and a lock
 *   taken by another member (a failed compare-and-swap, not an unreachable DCS) still demotes.
 */
export const PATRONI_DYNAMIC = { ...PATRONI_TIMING, failsafe_mode: true } as const;

/**
 * The dynamic settings of cluster `c`. With two regions `core` runs without failsafe mode: us
 * promotes its copy of core on its own once eu's leader lock has been gone from the DCS quorum
 * long enough (regions/arbiter.ts), which is safe only if an eu primary that cannot reach the
 * quorum stops writing — failsafe mode would keep it writing while its own members answer it
 * (they are all in eu). The price: an etcd leader election that outlasts `retry_timeout` demotes
 * core's primary (a node failover) instead of being ridden out. The shards keep it: nothing
 * outside their cluster ever promotes them.
 */
export function patroniDynamic(t: Pick<Topology, "remoteRegions">, c: Pick<ClusterTopology, "kind">) {
  return { ...PATRONI_DYNAMIC, failsafe_mode: !(t.remoteRegions.length > 0 && c.kind === "core") };
}

/**
 * Connections each member accepts: the connection budget (`@agora/config` connection-budget.ts)
 * is summed against it in connection-budget.test.ts, so a larger pool or a new process kind must
 * fit here rather than raise it. Every backend costs memory (~5–10 MB once it has run queries),
 * and this box runs seven members on two cores. 120 rather than Postgres's 100: the worst case
 * (two regions, every autoscaled pool at its maximum, and a test runner playing several process
 * kinds) needs 104 on core's primary. A bootstrap setting: a cluster created with 100 keeps it
 * until its dynamic configuration is changed and its members restarted (`patronictl edit-config`).
 */
export const PG_MAX_CONNECTIONS = 120;

/** Longest unix socket path the kernel takes (sun_path is 108 bytes with its NUL). */
const MAX_SOCKET_PATH = 107;

/**
 * The members' unix sockets: a private folder (0700, the postgres user's) beside their data, so no
 * other OS user can even reach a socket. When that path would be too long for a socket, a short
 * private folder named after the state folder in /var/tmp/agora-pg takes its place.
 */
export function socketDir(t: Topology): string {
  const inside = join(t.pgRoot, "run");
  if (join(inside, ".s.PGSQL.65535.lock").length <= MAX_SOCKET_PATH) return inside;
  const id = createHash("sha1").update(t.stateDir).digest("hex").slice(0, 12);
  return join("/var/tmp/agora-pg", `run-${id}`);
}

/**
 * Who may connect how: every local and host line asks for a SCRAM password (the generated ones in
 * the state folder), replication only as the replication user, and TCP only over TLS (the
 * members' own replication and Patroni's connections too: libpq's default `prefer` takes TLS when
 * offered). No `trust` anywhere.
 */
export function pgHba(t: Topology): string[] {
  return [
    "local all all scram-sha-256",
    // `hostssl` only: a TCP connection without TLS matches no line and is refused.
    `hostssl replication ${t.postgres.replicationUser} ${t.host}/32 scram-sha-256`,
    `hostssl all all ${t.host}/32 scram-sha-256`,
  ];
}

/** Where a member's server certificate and key live (its own 0700 folder, the postgres user's). */
export function memberTlsFiles(m: PgMember): { cert: string; key: string } {
  return { cert: join(dirname(m.dataDir), "server.crt"), key: join(dirname(m.dataDir), "server.key") };
}

/**
 * Patroni member configuration. Written as JSON, which is valid YAML, so no YAML library is
 * needed. Uses the v2 `etcd:` DCS backend on purpose (compare-and-swap leader key updates).
 */
export function patroniConfig(t: Topology, c: ClusterTopology, m: PgMember, s: Secrets): object {
  const addr = (port: number) => `${t.host}:${port}`;
  const tls = patroniTlsFiles(m);
  return {
    scope: c.name,
    namespace: t.profile.namespace,
    name: m.name,
    log: { level: "INFO", format: "%(asctime)s %(levelname)s: %(message)s" },
    // REST over TLS (HAProxy checks it with `check-ssl verify required`); SIGHUP makes Patroni
    // serve a rotated pair. Members calling each other verify against `cafile`.
    restapi: {
      listen: addr(m.restPort),
      connect_address: addr(m.restPort),
      certfile: tls.rest.cert,
      keyfile: tls.rest.key,
      cafile: tls.ca,
      // A client certificate of the CA for every unsafe method (PATCH /config, switchover,
      // restart: 403 without one); GETs (HAProxy's checks, status) need none.
      verify_client: "optional",
    },
    // What this member presents when it calls another member (the leader race's status checks, and
    // failsafe mode's `POST /failsafe`, an unsafe method): a client certificate of the CA. Without
    // it Patroni presents its REST server certificate, which has no clientAuth usage and is refused
    // ("unsupported certificate"), so failsafe mode could never confirm the other members.
    ctl: {
      certfile: tls.admin.cert,
      keyfile: tls.admin.key,
      cacert: tls.ca,
    },
    // The DCS over mutual TLS: etcd asks every client for a certificate from the topology's CA.
    etcd: {
      hosts: etcdClientPorts(t, PRIMARY_REGION).map((e) => addr(e.port)),
      // With two regions eu reaches the members in us and at the witness through the link: the
      // hosts above are the only addresses to use (the members advertise their own ports).
      ...(t.remoteRegions.length > 0 ? { use_proxies: true } : {}),
      protocol: "https",
      cacert: tls.ca,
      cert: tls.etcdClient.cert,
      key: tls.etcdClient.key,
    },
    bootstrap: {
      dcs: {
        ...patroniDynamic(t, c),
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
            max_connections: PG_MAX_CONNECTIONS,
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
      // initdb's own pg_hba (until Patroni writes ours) asks for passwords too, not `trust`.
      initdb: [
        { encoding: "UTF8" },
        { locale: "C.UTF-8" },
        "data-checksums",
        { "auth-local": "scram-sha-256" },
        { "auth-host": "scram-sha-256" },
      ],
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
      pg_hba: pgHba(t),
      parameters: {
        unix_socket_directories: socketDir(t),
        unix_socket_permissions: "0700",
        shared_buffers: "32MB",
        work_mem: "8MB",
        maintenance_work_mem: "64MB",
        // Local demo durability: fsync stays on so kill -9 tests mean something.
        fsync: "on",
        synchronous_commit: "on",
        log_min_messages: "warning",
        // Per-statement counts and times, read by the bench's checkout (statements per order)
        // and by anyone at psql (`SELECT … FROM pg_stat_statements`, after CREATE EXTENSION).
        shared_preload_libraries: "pg_stat_statements",
        "pg_stat_statements.max": 2000,
        log_line_prefix: "%m [%p] %q%u@%d ",
        // TLS 1.3 only, with the member's certificate from the topology's CA (security/pki.ts);
        // a reload (SIGHUP) picks up a rotated pair for new connections, open ones keep theirs.
        ssl: "on",
        ssl_cert_file: memberTlsFiles(m).cert,
        ssl_key_file: memberTlsFiles(m).key,
        ssl_min_protocol_version: "TLSv1.3",
      },
    },
    tags: { nofailover: false, noloadbalance: false, clonefrom: false, nosync: false },
  };
}
