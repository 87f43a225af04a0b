/**
 * The shapes the platform's processes report in and the ops console reads: the live status of
 * every node, supervision, and failover drills. One definition for both sides — the local
 * topology (infra/local) produces them, the API's ops backend interface (packages/api/src/ops)
 * passes them to the console — so a field added on one side cannot be missing on the other.
 */

export type Health = "up" | "degraded" | "down";

/** `retired`: stopped by the autoscaler (scale-in); not restarted. */
export type SupervisedState = "running" | "restarting" | "held" | "gave-up" | "retired";

export interface ExitRecord {
  at: string;
  /** Exit code and signal as the parent saw them; both null when the supervisor was not the parent. */
  code: number | null;
  signal: string | null;
}

export interface NodeStatus {
  name: string;
  kind: "etcd" | "postgres" | "haproxy" | "cdn" | "redis" | "sentinel" | "app";
  /** e.g. leader / follower (etcd), leader / sync_standby / replica (Postgres), master / replica. */
  role: string;
  group?: string;
  pid?: number;
  port?: number;
  health: Health;
  /** Replication lag: bytes behind the leader (Postgres) or the master (Redis). */
  lagBytes?: number;
  /** Replay lag in ms, measured on the replica itself. */
  lagMs?: number;
  rssKb?: number;
  detail?: string;
  /** Supervised processes: restarts since the supervisor started, and how the last one ended. */
  restarts?: number;
  lastExit?: ExitRecord;
  supervision?: SupervisedState;
  /** Crash noticed → restarted process ready, for the last restart. */
  lastRestartMs?: number;
}

export interface TopologyStatus {
  profile: string;
  at: string;
  nodes: NodeStatus[];
  /** Leader per Postgres cluster and the Redis master, for quick checks. */
  leaders: Record<string, string | null>;
  totalRssKb: number;
}

export type DrillMode = "kill" | "freeze";

export type DrillEvent =
  | { type: "ready"; leader: string }
  | { type: "fault"; mode: DrillMode; node: string; pids: number[] }
  | { type: "recovered"; newPrimary: string | undefined; rtoMs: number }
  | { type: "progress"; acked: number; failed: number; sinceFaultMs?: number }
  | { type: "rejoining"; node: string }
  | { type: "rejoined"; node: string; ms: number }
  | { type: "done"; report: FailoverDrillReport };

export interface FailoverDrillReport {
  cluster: string;
  mode: DrillMode;
  drill_id: string;
  old_primary: string;
  new_primary: string | null;
  rto_ms: number | null;
  /**
   * The longest stretch after the fault with no write acknowledged by any node (write-gap.ts):
   * what a writer saw. Shorter than `rto_ms` when the old primary kept acknowledging after the
   * fault (freeze: until HAProxy fenced it).
   */
  unavailable_ms: number | null;
  acked_writes: number;
  failed_writes: number;
  lost_writes: number;
  lost_ids_sample: number[];
  /** Acknowledged writes per node, and whether two nodes took writes in overlapping periods. */
  acked_by_node: Record<string, number>;
  split_brain: boolean;
  rejoined: boolean;
  rejoin_ms: number | null;
  replicas_converged: boolean;
  latency_ms: { before_p95: number | null; after_p95: number | null };
  started_at: string;
  fault_at: string;
  finished_at: string;
}
