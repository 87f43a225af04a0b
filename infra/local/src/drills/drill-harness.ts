/**
 * What the node failover drills (Postgres/Patroni, Redis/Sentinel, etcd/Raft) share: a steady
 * load of numbered writes, the fault's moment, the wait for a write acknowledged after it (RTO),
 * the wait for the old node to rejoin, and the report fields every drill fills the same way.
 * What a drill writes, how it faults and brings back its node and what counts as recovered or
 * rejoined stay in the drill. The report keys keep FailoverDrillReport's meaning
 * (@agora/config/ops-contract): the ops console, the chaos tests and the runbooks read them.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { DrillMode, FailoverDrillReport } from "@agora/config/ops-contract";
import type { Topology } from "../topology.ts";
import { longestWriteGap, p95 } from "./write-gap.ts";

/** The options every node drill takes. */
export interface NodeDrillOptions {
  topology: Topology;
  mode?: DrillMode;
  /** Concurrent writers (each one write at a time). */
  writers?: number;
  /** Writes before the fault. */
  warmupMs?: number;
  /** Keep writing this long after writes resumed. */
  afterRecoveryMs?: number;
  /** Freeze mode: keep the old node stopped this long after another one took writes. */
  freezeHoldMs?: number;
  /** Give up waiting for writes to resume after this long. */
  recoveryTimeoutMs?: number;
}

/** The events the drills that fault one process (Redis, etcd) emit alike. */
export type ProcessDrillEvent =
  | { type: "fault"; mode: DrillMode; node: string; pid: number }
  | { type: "progress"; acked: number; failed: number }
  | { type: "rejoined"; node: string; ms: number };

/** The report fields every node drill has. */
export type NodeDrillMeasures = Pick<
  FailoverDrillReport,
  | "mode"
  | "drill_id"
  | "rto_ms"
  | "unavailable_ms"
  | "acked_writes"
  | "failed_writes"
  | "lost_writes"
  | "rejoined"
  | "rejoin_ms"
  | "latency_ms"
  | "started_at"
  | "fault_at"
  | "finished_at"
>;

/** Which node acknowledged what, for the drills whose writes tell the nodes apart. */
export type AckAttribution = Pick<
  FailoverDrillReport,
  "lost_ids_sample" | "acked_by_node" | "split_brain"
>;

/** An acknowledged write: its number, when the acknowledgement came and how long it took. */
export interface WriteAck {
  seq: number;
  at: number;
  ms: number;
}

export interface DrillRunOptions<A extends object> {
  writers: number;
  startedAt: Date;
  /** Writes entry `seq`; resolves when it is acknowledged, with what the ack records besides. */
  write: (seq: number) => Promise<A>;
  /** Whether an acknowledged write issued after the fault is a recovery (default: any is). */
  recovers?: (ack: A) => boolean;
  /** Each writer's pause after every write. */
  pauseMs?: number;
}

/**
 * One drill's write load and the moments its report is measured from. The writers start at once
 * and run until `stop()`.
 */
export class DrillRun<A extends object> {
  readonly acks: (WriteAck & A)[] = [];
  private failed = 0;
  private faultAt = 0;
  /** When the first write issued after the fault that counts as a recovery was acknowledged. */
  private firstAckAfterFault = 0;
  private readonly opts: DrillRunOptions<A>;
  private readonly running: Promise<void>[];
  private seq = 0;
  private stopping = false;
  private rtoMs: number | null = null;
  private rejoinMs: number | null = null;

  constructor(opts: DrillRunOptions<A>) {
    this.opts = opts;
    this.running = Array.from({ length: opts.writers }, () => this.writer());
  }

  private async writer(): Promise<void> {
    const { write, recovers = () => true, pauseMs } = this.opts;
    while (!this.stopping) {
      const my = ++this.seq;
      const t0 = Date.now();
      try {
        const ack = await write(my);
        const now = Date.now();
        this.acks.push({ seq: my, at: now, ms: now - t0, ...ack });
        if (this.faultAt && !this.firstAckAfterFault && t0 >= this.faultAt && recovers(ack))
          this.firstAckAfterFault = now;
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        this.failed++;
        await sleep(50 + Math.random() * 50);
      }
      if (pauseMs) await sleep(pauseMs);
    }
  }

  progress(): { acked: number; failed: number } {
    return { acked: this.acks.length, failed: this.failed };
  }

  /** Call right before the fault; returns its moment. */
  markFault(): number {
    this.faultAt = Date.now();
    return this.faultAt;
  }

  /**
   * Polls every 100 ms, up to `timeoutMs` after the fault, until a write issued after the fault
   * was acknowledged and `observe` (the drill's own view of the switch, e.g. the Sentinels naming
   * another master; polled until it returns true) has seen it. Returns the RTO, null if writes
   * did not resume in time; a recovery after that leaves the RTO null.
   */
  async awaitRecovery(
    timeoutMs: number,
    hooks: { observe?: () => Promise<boolean>; onTick: () => void },
  ): Promise<number | null> {
    const deadline = this.faultAt + timeoutMs;
    let observed = !hooks.observe;
    while ((!this.firstAckAfterFault || !observed) && Date.now() < deadline) {
      if (!observed && hooks.observe) observed = await hooks.observe();
      await sleep(100);
      hooks.onTick();
    }
    if (this.firstAckAfterFault) this.rtoMs = this.firstAckAfterFault - this.faultAt;
    return this.rtoMs;
  }

  /**
   * Brings the old node back (restart or resume) and polls every 250 ms, up to `timeoutMs`, until
   * `isBack` says it rejoined as a follower. The writers go on meanwhile, so a node that grabbed
   * writes back would show in the acknowledgements. Returns the time it took, null if not back.
   */
  async awaitRejoin(
    bringBack: () => void,
    isBack: () => Promise<boolean>,
    timeoutMs: number,
  ): Promise<number | null> {
    const r0 = Date.now();
    bringBack();
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await isBack()) {
        this.rejoinMs = Date.now() - r0;
        break;
      }
      await sleep(250);
    }
    return this.rejoinMs;
  }

  /** Stops the writers and waits for the writes in flight. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.running);
  }

  /**
   * The measured report fields, in groups so that each drill keeps its own key order around them.
   * `present`: the write numbers the cluster holds now; `writesEndedAt`: when the writers stopped
   * (the end of a gap no acknowledgement closed). Call it when the report is made (finished_at).
   */
  measures(present: ReadonlySet<number>, writesEndedAt: number) {
    const lost = this.acks.filter((a) => !present.has(a.seq)).map((a) => a.seq);
    const first = this.firstAckAfterFault;
    return {
      lost,
      recovery: {
        rto_ms: this.rtoMs,
        unavailable_ms:
          this.rtoMs === null
            ? null
            : longestWriteGap(this.acks.map((a) => a.at), this.faultAt, writesEndedAt),
      },
      writes: {
        acked_writes: this.acks.length,
        failed_writes: this.failed,
        lost_writes: lost.length,
      },
      rejoin: { rejoined: this.rejoinMs !== null, rejoin_ms: this.rejoinMs },
      timing: {
        latency_ms: {
          before_p95: p95(this.acks.filter((a) => a.at < this.faultAt).map((a) => a.ms)),
          after_p95: p95(this.acks.filter((a) => first && a.at > first).map((a) => a.ms)),
        },
        started_at: this.opts.startedAt.toISOString(),
        fault_at: new Date(this.faultAt).toISOString(),
        finished_at: new Date().toISOString(),
      },
    };
  }
}

/** After writes resumed: a frozen node stays frozen a while longer, then the writers go on. */
export async function holdAfterRecovery(mode: DrillMode, opts: NodeDrillOptions): Promise<void> {
  if (mode === "freeze") await sleep(opts.freezeHoldMs ?? 3000);
  await sleep(opts.afterRecoveryMs ?? 2000);
}

/**
 * Split brain shows as interleaving: once a second node has acknowledged a write, the first may
 * not acknowledge another one later.
 */
export function detectSplitBrain(acks: { at: number; port: number }[]): boolean {
  const sorted = [...acks].sort((a, b) => a.at - b.at);
  const retired = new Set<number>();
  let current: number | undefined;
  for (const a of sorted) {
    if (current === undefined) current = a.port;
    else if (a.port !== current) {
      if (retired.has(a.port)) return true;
      retired.add(current);
      current = a.port;
    }
  }
  return false;
}

/** Acknowledgements per node (by port, named where the topology knows it) and split brain. */
export function attributeAcks(
  acks: { at: number; port: number }[],
  lost: readonly number[],
  nodeNames: ReadonlyMap<number, string>,
): AckAttribution {
  const byNode: Record<string, number> = {};
  for (const a of acks) {
    const n = nodeNames.get(a.port) ?? String(a.port);
    byNode[n] = (byNode[n] ?? 0) + 1;
  }
  return {
    lost_ids_sample: lost.slice(0, 20),
    acked_by_node: byNode,
    split_brain: detectSplitBrain(acks),
  };
}
