/**
 * Outbox relay: the elected leader drains every cluster's `outbox` (core + each shard) into
 * BullMQ, one queue per topic (aggregate type). Per cluster and batch, ONE transaction:
 *
 *   claim the fence (token must be >= the stored one; row lock held to commit)
 *   → SELECT … WHERE published_at IS NULL ORDER BY id LIMIT n FOR UPDATE SKIP LOCKED
 *   → publish (jobId = `<cluster>-<id>`, so a re-publish after a crash is one job)
 *   → still leader? → UPDATE … SET published_at = now() → COMMIT.
 *
 * A crash between publish and commit re-publishes the batch later (at-least-once); BullMQ's job id
 * and the consumers' dedupe table (consume.ts) make the effect exactly-once.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { core, shard, shardNames } from "@agora/db";
import { backoff, jitter } from "../leader/jitter.ts";
import { idlePollMs } from "./idle-poll.ts";
import type { LeaderElection, LeaderTerm } from "../leader/leader-election.ts";
import {
  claimFence,
  type Fence,
  FencedOutError,
  LeadershipLostError,
  type RawTx,
} from "./fencing.ts";
import { type OutboxRow, outboxRowMessage } from "./outbox-message.ts";
import type { OutboxPublisher } from "./publisher.ts";
import { createLogger, untraced } from "@agora/telemetry";

const relayLog = createLogger({ service: "outbox-relay" });

/** One cluster's outbox, reached through its primary. */
export interface OutboxSource {
  cluster: string;
  transaction<T>(fn: (tx: RawTx) => Promise<T>): Promise<T>;
}

/** Interactive-transaction limits: a frozen relay's locks are freed by Postgres, not by us. */
const TX_OPTIONS = { maxWait: 3000, timeout: 15_000 };
const SESSION_LIMITS: Readonly<Record<string, string>> = {
  // Never queue behind a (possibly frozen) older leader's fence lock for long.
  lock_timeout: "3s",
  // A relay frozen mid-batch loses its transaction (and its locks) after this.
  idle_in_transaction_session_timeout: "5s",
  statement_timeout: "10s",
  // The relay drains every tenant's outbox rows: a platform job under the shards' row-level
  // security (docs/adr/0004). A no-op on core.
  "agora.scope": "platform",
};

/**
 * Transaction-local settings in ONE statement: `set_config(name, value, true)` is `SET LOCAL`.
 * Four SET LOCALs were four round trips before every batch, and two before every idle look.
 */
export async function setLocal(tx: RawTx, settings: Readonly<Record<string, string>>): Promise<void> {
  const entries = Object.entries(settings);
  const calls = entries.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(", ");
  await tx.$queryRawUnsafe(`SELECT ${calls}`, ...entries.flat());
}

/** The outboxes of core and every shard in the current configuration. */
export function outboxSources(): OutboxSource[] {
  const coreDb = () => core().primary;
  const sources: OutboxSource[] = [
    {
      cluster: core().name,
      transaction: (fn) => coreDb().$transaction((tx) => fn(tx), TX_OPTIONS),
    },
  ];
  for (const name of shardNames()) {
    sources.push({
      cluster: name,
      transaction: (fn) => shard(name).primary.$transaction((tx) => fn(tx), TX_OPTIONS),
    });
  }
  return sources;
}

/**
 * Relays one batch of one cluster under `fence`. Returns how many messages it published and
 * marked. Throws FencedOutError (a newer leader wrote here) or LeadershipLostError (our lease
 * deadline passed mid-batch); in both cases nothing is marked.
 */
export async function relayBatch(
  source: OutboxSource,
  publisher: OutboxPublisher,
  fence: Fence,
  batchSize: number,
): Promise<number> {
  if (!fence.stillLeader()) throw new LeadershipLostError(fence.token);
  return source.transaction(async (tx) => {
    await setLocal(tx, SESSION_LIMITS);
    await claimFence(tx, source.cluster, fence);
    // to_jsonb(o) ->> 'vendor_id': shards have the column, core does not; one query for both.
    const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
      `SELECT o.id, o.aggregate_type, o.aggregate_id, o.event_type, o.payload, o.headers,
              o.created_at, to_jsonb(o) ->> 'vendor_id' AS vendor_id
         FROM outbox o
        WHERE o.published_at IS NULL
        ORDER BY o.id
        LIMIT $1
        FOR UPDATE SKIP LOCKED`,
      batchSize,
    );
    if (rows.length === 0) return 0;
    const messages = rows.map((r) => outboxRowMessage(source.cluster, r, String(fence.token)));
    if (!fence.stillLeader()) throw new LeadershipLostError(fence.token);
    await publisher.publish(messages);
    // Publishing took time: if our term may have ended meanwhile, do not mark (a later leader
    // re-publishes; the job id makes that a no-op).
    if (!fence.stillLeader()) throw new LeadershipLostError(fence.token);
    await tx.$executeRawUnsafe(
      `UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::bigint[])`,
      rows.map((r) => r.id),
    );
    return rows.length;
  });
}

const PEEK_LIMITS: Readonly<Record<string, string>> = {
  statement_timeout: "10s",
  // Every tenant's rows count (the shards' row-level security hides them otherwise).
  "agora.scope": "platform",
};

/**
 * Whether `source` has anything to relay: one read-only look (the partial index on unpublished
 * rows), instead of the fenced write transaction of relayBatch, for the common idle case. Not
 * traced: an idle leader looks every second, the standby every 10 s, and each look was a trace of
 * a transaction and its five statements sent to the collector; the batch that moves rows is traced.
 */
export async function hasUnpublished(source: OutboxSource): Promise<boolean> {
  return untraced(() => source.transaction(async (tx) => {
    await setLocal(tx, PEEK_LIMITS);
    const rows = await tx.$queryRawUnsafe<{ pending: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM outbox WHERE published_at IS NULL) AS pending`,
    );
    return rows[0]?.pending === true;
  }));
}

export interface OutboxRelayOptions {
  election: LeaderElection;
  publisher: OutboxPublisher;
  sources?: OutboxSource[];
  /** Fence row name; one per relay (defaults to "outbox-relay"). */
  fenceName?: string;
  batchSize?: number;
  /** Idle poll interval when every outbox was empty, ms (jittered). */
  pollEveryMs?: number;
  /** After a quiet spell the idle interval grows up to this, ms (default 4 × pollEveryMs; see idle-poll.ts). */
  maxIdlePollMs?: number;
  /**
   * Hot standby: while not leading, one read-only look at every outbox this often (ms, jittered),
   * so its database connections are open and checked when it takes over (a cold standby spends
   * seconds on TLS and pool set-up under load). Below the pool's idle timeout (30 s). 0: off.
   */
  standbyWarmMs?: number;
  log?: (level: "info" | "warn" | "error", msg: string, extra?: Record<string, unknown>) => void;
}

/** Runs `relayBatch` over every cluster while (and only while) this process leads. */
export class OutboxRelay {
  private readonly opts: Required<Omit<OutboxRelayOptions, "sources">> & {
    sources: OutboxSource[];
  };
  private loop: Promise<void> | undefined;
  private stopped = false;
  private wake: AbortController = new AbortController();
  private warmTimer: NodeJS.Timeout | undefined;
  /** Messages this instance published and marked (tests, metrics). */
  published = 0;

  constructor(opts: OutboxRelayOptions) {
    this.opts = {
      sources: opts.sources ?? outboxSources(),
      fenceName: opts.fenceName ?? "outbox-relay",
      batchSize: opts.batchSize ?? 100,
      pollEveryMs: opts.pollEveryMs ?? 250,
      maxIdlePollMs: opts.maxIdlePollMs ?? 4 * (opts.pollEveryMs ?? 250),
      standbyWarmMs: opts.standbyWarmMs ?? 10_000,
      log:
        opts.log ??
        ((level, msg, extra) => relayLog[level]({ component: "outbox-relay", ...extra }, msg)),
      election: opts.election,
      publisher: opts.publisher,
    };
  }

  /** Called from the election's onElected. */
  lead(term: LeaderTerm): void {
    if (this.stopped) return;
    this.opts.log("info", "elected", { token: String(term.token) });
    const previous = this.loop ?? Promise.resolve();
    this.loop = previous.then(() => this.runTerm(term));
  }

  /** Called from the election's onLost: the loop notices via stillLeader(); wake it from sleep. */
  lose(term: LeaderTerm, reason: string): void {
    this.opts.log("warn", "leadership lost", { token: String(term.token), reason });
    this.wake.abort();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.warmTimer);
    this.wake.abort();
    await this.loop;
  }

  /** Keeps the standby's connections warm until it leads (see `standbyWarmMs`). */
  warmWhileStandby(): void {
    const every = this.opts.standbyWarmMs;
    if (every <= 0 || this.stopped) return;
    this.warmTimer = setTimeout(() => {
      const round = this.opts.election.isLeader()
        ? Promise.resolve()
        : Promise.all(
            this.opts.sources.map((s) =>
              hasUnpublished(s).catch((err: unknown) =>
                this.opts.log("warn", `standby check failed: ${err instanceof Error ? err.message : String(err)}`, {
                  cluster: s.cluster,
                }),
              ),
            ),
          );
      void round.then(() => this.warmWhileStandby());
    }, jitter(every));
    this.warmTimer.unref();
  }

  private async runTerm(term: LeaderTerm): Promise<void> {
    const fence: Fence = {
      name: this.opts.fenceName,
      token: term.token,
      holder: term.candidateId,
      stillLeader: () => !this.stopped && this.opts.election.isLeader(term),
    };
    this.wake = new AbortController();
    const failures = new Map<string, number>();
    // Clusters whose fence row holds this term's token. Each is claimed at once (a new leader
    // fences out the old one everywhere, work or not); after that an empty outbox costs a
    // read-only look, not a fence write per poll. A failure forgets it: the next batch re-claims
    // (an asynchronous shard's failover may have lost the last fence write).
    const fenced = new Set<string>();
    let emptyRounds = 0;
    while (fence.stillLeader()) {
      let moved = 0;
      for (const source of this.opts.sources) {
        if (!fence.stillLeader()) break;
        try {
          if (fenced.has(source.cluster) && !(await hasUnpublished(source))) {
            failures.delete(source.cluster);
            continue;
          }
          const n = await relayBatch(source, this.opts.publisher, fence, this.opts.batchSize);
          fenced.add(source.cluster);
          moved += n;
          this.published += n;
          failures.delete(source.cluster);
        } catch (err) {
          fenced.delete(source.cluster);
          if (err instanceof LeadershipLostError) return;
          if (err instanceof FencedOutError) {
            // Someone with a newer token already wrote: our term is over whatever etcd told us.
            this.opts.log("warn", err.message, { cluster: source.cluster });
            await this.opts.election
              .resign()
              .catch((e: unknown) => this.opts.log("warn", `resign failed: ${String(e)}`));
            return;
          }
          // One cluster down (failover in progress) must not stop the others: skip it for a
          // bounded, jittered while.
          const n = (failures.get(source.cluster) ?? 0) + 1;
          failures.set(source.cluster, n);
          this.opts.log(
            "warn",
            `batch failed: ${err instanceof Error ? err.message : String(err)}`,
            {
              cluster: source.cluster,
              consecutiveFailures: n,
            },
          );
          await this.pause(backoff(n, 200, 5000));
        }
      }
      emptyRounds = moved === 0 ? emptyRounds + 1 : 0;
      if (moved === 0)
        await this.pause(
          jitter(idlePollMs(this.opts.pollEveryMs, this.opts.maxIdlePollMs, emptyRounds)),
        );
    }
  }

  private async pause(ms: number): Promise<void> {
    if (this.wake.signal.aborted) return;
    try {
      await sleep(ms, undefined, { signal: this.wake.signal });
    } catch (err) {
      // An abort only means "wake up and re-check leadership"; anything else is a real failure.
      if (!(err instanceof Error && err.name === "AbortError")) throw err;
    }
  }
}
