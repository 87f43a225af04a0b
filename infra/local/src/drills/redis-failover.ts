/**
 * Redis failover drill: writers append numbered entries through a Sentinel-mode client that
 * behaves like the product's (`failoverBehaviour()` of @agora/redis), then the master is crashed
 * (SIGKILL) or frozen (SIGSTOP). Reports how long writes stopped, which node acknowledged each
 * write, and how many acknowledged writes the new master lacks (Redis replicates asynchronously,
 * so a crash may lose the last ones; the product's consumers are idempotent and a sweep re-drives
 * lost jobs). The old master is restarted or resumed and must come back as a replica.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { failoverBehaviour, keepReconnecting } from "@agora/redis";
import { startRedisNode } from "../launcher.ts";
import { redisReplication, sentinelMaster } from "../probes/redis.ts";
import { readRegistry } from "../processes/registry.ts";
import { type Topology, sentinelConnection } from "../topology.ts";
import { detectSplitBrain, type DrillMode } from "./failover.ts";
import { longestWriteGap, p95 } from "./write-gap.ts";

export interface RedisDrillOptions {
  topology: Topology;
  mode?: DrillMode;
  writers?: number;
  warmupMs?: number;
  afterRecoveryMs?: number;
  /** Freeze: keep the old master stopped this long after the new one took writes. */
  freezeHoldMs?: number;
  recoveryTimeoutMs?: number;
  /** A write that has no answer after this long counts as failed (indeterminate). */
  writeTimeoutMs?: number;
  onEvent?: (e: RedisDrillEvent) => void;
}

export type RedisDrillEvent =
  | { type: "ready"; master: string }
  | { type: "fault"; mode: DrillMode; node: string; pid: number }
  | { type: "switched"; to: number; ms: number }
  | { type: "recovered"; newMaster: string | undefined; rtoMs: number }
  | { type: "progress"; acked: number; failed: number }
  | { type: "rejoined"; node: string; ms: number };

export interface RedisDrillReport {
  target: "redis";
  mode: DrillMode;
  drill_id: string;
  old_master: string;
  new_master: string | null;
  /** Fault → the Sentinels name another master. */
  sentinel_switch_ms: number | null;
  /** Fault → first write acknowledged by another node. */
  rto_ms: number | null;
  /** Longest stretch after the fault without any acknowledged write (write-gap.ts). */
  unavailable_ms: number | null;
  acked_writes: number;
  failed_writes: number;
  lost_writes: number;
  lost_ids_sample: number[];
  acked_by_node: Record<string, number>;
  split_brain: boolean;
  rejoined: boolean;
  rejoin_ms: number | null;
  latency_ms: { before_p95: number | null; after_p95: number | null };
  started_at: string;
  fault_at: string;
  finished_at: string;
}

interface Ack {
  seq: number;
  at: number;
  port: number;
  ms: number;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function runRedisFailoverDrill(opts: RedisDrillOptions): Promise<RedisDrillReport> {
  const t = opts.topology;
  const mode = opts.mode ?? "kill";
  const emit = opts.onEvent ?? (() => {});
  const drillId = randomUUID();
  const key = `agora:drill:redis:${drillId}`;
  const startedAt = new Date();
  const sentinel = t.redis.sentinels[0];
  if (!sentinel) throw new Error("the topology has no Sentinel");

  const master = await sentinelMaster(t, sentinel.port);
  const old = t.redis.nodes.find((n) => n.port === master?.port);
  const rec = readRegistry(t.pidFile).find((r) => r.name === old?.name);
  if (!old || !rec) throw new Error(`the Sentinels' master (${master?.port}) is not a running node of this topology`);
  emit({ type: "ready", master: old.name });

  // The product's client: through the Sentinels, with the product's reconnect behaviour.
  const client = keepReconnecting(
    new Redis({ ...sentinelConnection(t), role: "master", maxRetriesPerRequest: 3, ...failoverBehaviour() }),
  );
  client.on("error", () => {
    // expected while the master is down; the client reconnects through Sentinel
  });
  await client.del(key);

  const acks: Ack[] = [];
  let failed = 0;
  let seq = 0;
  let stop = false;
  let faultAt = 0;
  let firstAckAfterFault = 0;
  const writeTimeoutMs = opts.writeTimeoutMs ?? 3000;
  const writer = async () => {
    while (!stop) {
      const my = ++seq;
      const t0 = Date.now();
      try {
        await withTimeout(client.rpush(key, String(my)), writeTimeoutMs);
        const now = Date.now();
        // The connection that carried the answer names the node that acknowledged it.
        const port = client.stream?.remotePort ?? 0;
        acks.push({ seq: my, at: now, port, ms: now - t0 });
        if (faultAt && !firstAckAfterFault && t0 >= faultAt && port !== old.port) firstAckAfterFault = now;
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        failed++;
        await sleep(50 + Math.random() * 50);
      }
    }
  };
  const running = Array.from({ length: opts.writers ?? 4 }, () => writer());

  let rtoMs: number | null = null;
  let switchMs: number | null = null;
  let newMaster: string | null = null;
  let rejoined = false;
  let rejoinMs: number | null = null;
  try {
    await sleep(opts.warmupMs ?? 2000);
    emit({ type: "progress", acked: acks.length, failed });
    faultAt = Date.now();
    process.kill(rec.pid, mode === "kill" ? "SIGKILL" : "SIGSTOP");
    emit({ type: "fault", mode, node: old.name, pid: rec.pid });

    const deadline = faultAt + (opts.recoveryTimeoutMs ?? 60_000);
    while ((!firstAckAfterFault || switchMs === null) && Date.now() < deadline) {
      if (switchMs === null) {
        const m = await sentinelMaster(t, sentinel.port).catch(() => undefined);
        if (m && m.port !== old.port) {
          switchMs = Date.now() - faultAt;
          newMaster = t.redis.nodes.find((n) => n.port === m.port)?.name ?? String(m.port);
          emit({ type: "switched", to: m.port, ms: switchMs });
        }
      }
      await sleep(100);
      emit({ type: "progress", acked: acks.length, failed });
    }
    if (firstAckAfterFault) rtoMs = firstAckAfterFault - faultAt;
    emit({ type: "recovered", newMaster: newMaster ?? undefined, rtoMs: rtoMs ?? -1 });

    if (mode === "freeze") await sleep(opts.freezeHoldMs ?? 3000);
    await sleep(opts.afterRecoveryMs ?? 2000);

    const r0 = Date.now();
    if (mode === "kill") startRedisNode(t, old.name);
    else process.kill(rec.pid, "SIGCONT");
    const rejoinDeadline = Date.now() + 60_000;
    while (Date.now() < rejoinDeadline) {
      const info = await redisReplication(t, old.port).catch(() => undefined);
      if (info?.role === "slave" && info.master_link_status === "up") {
        rejoined = true;
        rejoinMs = Date.now() - r0;
        emit({ type: "rejoined", node: old.name, ms: rejoinMs });
        break;
      }
      await sleep(250);
    }
    await sleep(1000);
  } finally {
    stop = true;
    await Promise.all(running);
  }
  const writesEndedAt = Date.now();

  // Every acknowledged entry must be on the master the Sentinels name now.
  const present = new Set((await client.lrange(key, 0, -1)).map(Number));
  await client.del(key);
  client.disconnect();
  const acked = new Set(acks.map((a) => a.seq));
  const lost = [...acked].filter((s) => !present.has(s));
  const portName = new Map(t.redis.nodes.map((n) => [n.port, n.name]));
  const byNode: Record<string, number> = {};
  for (const a of acks) {
    const n = portName.get(a.port) ?? String(a.port);
    byNode[n] = (byNode[n] ?? 0) + 1;
  }
  return {
    target: "redis",
    mode,
    drill_id: drillId,
    old_master: old.name,
    new_master: newMaster,
    sentinel_switch_ms: switchMs,
    rto_ms: rtoMs,
    unavailable_ms: rtoMs === null ? null : longestWriteGap(acks.map((a) => a.at), faultAt, writesEndedAt),
    acked_writes: acked.size,
    failed_writes: failed,
    lost_writes: lost.length,
    lost_ids_sample: lost.slice(0, 20),
    acked_by_node: byNode,
    split_brain: detectSplitBrain(acks),
    rejoined,
    rejoin_ms: rejoinMs,
    latency_ms: {
      before_p95: p95(acks.filter((a) => a.at < faultAt).map((a) => a.ms)),
      after_p95: p95(acks.filter((a) => firstAckAfterFault && a.at > firstAckAfterFault).map((a) => a.ms)),
    },
    started_at: startedAt.toISOString(),
    fault_at: new Date(faultAt).toISOString(),
    finished_at: new Date().toISOString(),
  };
}
