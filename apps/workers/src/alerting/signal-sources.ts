/**
 * What the alert rules read, gathered once per evaluation: every process's /metrics (the same
 * targets the ops console scrapes, each sample labelled with its `service`), plus probes the
 * evaluator makes itself, so a condition that silences a process's own /metrics (a frozen pool,
 * a stopped replica) still shows: the oldest waiting job of every queue, each cluster's replica
 * replay lag, and undecided payout prepared transactions on every cluster. Every call has a timeout;
 * a source that fails contributes no series (and is logged), it never fails the evaluation.
 */
import type { Sample } from "@agora/alerting";
import { parsePrometheus, queueOverview, scrapeTargets } from "@agora/api/ops";
import { core, LAG_PROBE_SQL, shard, shardNames } from "@agora/db";
import { createLogger, gauge } from "@agora/telemetry";

const log = createLogger({ service: "alert-evaluator" });

/** Exported too, so Prometheus (the PrometheusRule's ReplicationLagHigh) reads what the probe saw. */
const replicationLagGauge = gauge<"cluster">({
  name: "replication_lag_seconds",
  help: "Replay lag of the replica behind each cluster's read-only port, as the alert evaluator last probed it",
  labelNames: ["cluster"],
});

export interface SignalOptions {
  timeoutMs: number;
  /** A prepared payout transaction older than this is in doubt (recovery had its chance). */
  inDoubtAfterMs: number;
}

export async function gatherSamples(opts: SignalOptions): Promise<Sample[]> {
  const parts = await Promise.all([
    scrapeAll(opts.timeoutMs),
    probe("queues", opts.timeoutMs, queueAges),
    probe("replication lag", opts.timeoutMs, replicationLag),
    probe("payouts in doubt", opts.timeoutMs, () => payoutsInDoubt(opts.inDoubtAfterMs)),
  ]);
  // No certificate files are configured yet: agora_certificate_not_after_seconds comes from the
  // processes that terminate TLS, and the rule evaluates the empty set until they exist.
  return parts.flat();
}

async function probe(what: string, ms: number, work: () => Promise<Sample[]>): Promise<Sample[]> {
  const timer = AbortSignal.timeout(ms);
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) =>
        timer.addEventListener("abort", () => reject(new Error(`${what} probe took over ${ms} ms`))),
      ),
    ]);
  } catch (err) {
    log.warn({ probe: what, err: (err as Error).message }, "alert signal probe failed");
    return [];
  }
}

async function scrapeAll(timeoutMs: number): Promise<Sample[]> {
  const results = await Promise.all(
    (await scrapeTargets()).map(async (t) => {
      try {
        const text = t.read
          ? await t.read()
          : await fetch(t.url, { headers: t.headers, signal: AbortSignal.timeout(timeoutMs) }).then((r) => {
              if (!r.ok) throw new Error(`HTTP ${r.status}`);
              return r.text();
            });
        return parsePrometheus(text).map((s) => ({ ...s, labels: { ...s.labels, service: t.service } }));
      } catch (err) {
        // A process that does not answer is what `up == 0` is for; its series are simply absent.
        log.debug({ target: t.service, err: (err as Error).message }, "scrape failed");
        return [];
      }
    }),
  );
  return results.flat();
}

async function queueAges(): Promise<Sample[]> {
  const queues = await queueOverview();
  return queues
    .filter((q) => !q.deadLetter)
    .map((q) => ({
      name: "agora_queue_oldest_waiting_seconds",
      labels: { queue: q.name, service: "alert-evaluator" },
      value: (q.oldestWaitingAgeMs ?? 0) / 1000,
    }));
}

async function replicationLag(): Promise<Sample[]> {
  const clusters = [core(), ...shardNames().map((n) => shard(n))];
  const out = await Promise.all(
    clusters.map(async (c) => {
      const rows = await c.replica.$queryRawUnsafe<{ in_recovery: boolean; lag_ms: number | null }[]>(LAG_PROBE_SQL);
      const row = rows[0];
      // The ro port answered from a node that is not replaying: nothing to measure there.
      if (!row?.in_recovery) return [];
      const seconds = (row.lag_ms ?? 0) / 1000;
      replicationLagGauge.set({ cluster: c.name }, seconds);
      return [{ name: "agora_replication_lag_seconds", labels: { cluster: c.name }, value: seconds }];
    }),
  );
  return out.flat();
}

async function payoutsInDoubt(afterMs: number): Promise<Sample[]> {
  const clusters = [core(), ...shardNames().map((n) => shard(n))];
  return Promise.all(
    clusters.map(async (c) => {
      const rows = await c.primary.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_prepared_xacts
          WHERE database = current_database() AND gid LIKE 'payout:%'
            AND prepared < now() - make_interval(secs => $1::float8 / 1000)`,
        afterMs,
      );
      return { name: "agora_payout_in_doubt_transactions", labels: { cluster: c.name }, value: rows[0]?.n ?? 0 };
    }),
  );
}
