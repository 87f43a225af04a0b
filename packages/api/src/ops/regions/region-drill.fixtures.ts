/** A region failover drill's report as the drill writes it (tests of the console's region drill). */
import type { RegionFailoverReport } from "@agora/config/ops-contract";

export function regionFailoverReport(times: { startedAt: string; faultAt: string; finishedAt: string }): RegionFailoverReport {
  return {
    cluster: "core",
    mode: "kill",
    drill_id: "00000000-0000-4000-8000-0000000000d1",
    old_primary: "core-1 (eu)",
    new_primary: "core-us-1 (us)",
    rto_ms: 4_700,
    unavailable_ms: 4_500,
    acked_writes: 413,
    failed_writes: 30,
    lost_writes: 4,
    lost_ids_sample: [],
    acked_by_node: { eu: 300, us: 113 },
    split_brain: false,
    rejoined: false,
    rejoin_ms: null,
    replicas_converged: true,
    latency_ms: { before_p95: 40, after_p95: 5 },
    started_at: times.startedAt,
    fault_at: times.faultAt,
    finished_at: times.finishedAt,
    region: {
      lost: "eu",
      promoted: "us",
      copy_age_at_loss_ms: 400,
      detected_ms: 3_200,
      confirm_wait_ms: 0,
      promote_ms: 1_300,
      rpo_writes: 4,
      rpo_window_ms: 41,
      storefront_repointed_ms: 20_000,
      workers_started_ms: 25_000,
      edge: {
        eu_clients_moved_ms: 15_000,
        served: { eu: 10, us: 40 },
        errors: 20,
        timeline: [],
        us_clients: { served: {}, errors: 0, timeline: [] },
      },
      sync_cost: {
        samples: 20,
        link_rtt_ms: 80,
        async_commit_ms: { p50: 44, p95: 97 },
        us_flushed_ms: { p50: 120, p95: 231 },
        sync_commit_ms: { p50: 160, p95: 271 },
        method: "…",
      },
    },
  } as RegionFailoverReport;
}
