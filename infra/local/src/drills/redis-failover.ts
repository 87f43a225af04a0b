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
import { sentinelConnection } from "../topology.ts";
import {
  type AckAttribution,
  DrillRun,
  type NodeDrillMeasures,
  type NodeDrillOptions,
  type ProcessDrillEvent,
  attributeAcks,
  holdAfterRecovery,
} from "./drill-harness.ts";

export interface RedisDrillOptions extends NodeDrillOptions {
  /** A write that has no answer after this long counts as failed (indeterminate). */
  writeTimeoutMs?: number;
  onEvent?: (e: RedisDrillEvent) => void;
}

export type RedisDrillEvent =
  | { type: "ready"; master: string }
  | { type: "switched"; to: number; ms: number }
  | { type: "recovered"; newMaster: string | undefined; rtoMs: number }
  | ProcessDrillEvent;

export interface RedisDrillReport extends NodeDrillMeasures, AckAttribution {
  target: "redis";
  old_master: string;
  new_master: string | null;
  /** Fault → the Sentinels name another master. */
  sentinel_switch_ms: number | null;
  /** Fault → first write acknowledged by another node. */
  rto_ms: number | null;
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

  const writeTimeoutMs = opts.writeTimeoutMs ?? 3000;
  const run = new DrillRun({
    writers: opts.writers ?? 4,
    startedAt,
    write: async (seq) => {
      await withTimeout(client.rpush(key, String(seq)), writeTimeoutMs);
      // The connection that carried the answer names the node that acknowledged it.
      return { port: client.stream?.remotePort ?? 0 };
    },
    recovers: (ack) => ack.port !== old.port,
  });

  let switchMs: number | null = null;
  let newMaster: string | null = null;
  try {
    await sleep(opts.warmupMs ?? 2000);
    emit({ type: "progress", ...run.progress() });
    const faultAt = run.markFault();
    process.kill(rec.pid, mode === "kill" ? "SIGKILL" : "SIGSTOP");
    emit({ type: "fault", mode, node: old.name, pid: rec.pid });

    const rtoMs = await run.awaitRecovery(opts.recoveryTimeoutMs ?? 60_000, {
      observe: async () => {
        const m = await sentinelMaster(t, sentinel.port).catch(() => undefined);
        if (!m || m.port === old.port) return false;
        switchMs = Date.now() - faultAt;
        newMaster = t.redis.nodes.find((n) => n.port === m.port)?.name ?? String(m.port);
        emit({ type: "switched", to: m.port, ms: switchMs });
        return true;
      },
      onTick: () => emit({ type: "progress", ...run.progress() }),
    });
    emit({ type: "recovered", newMaster: newMaster ?? undefined, rtoMs: rtoMs ?? -1 });

    await holdAfterRecovery(mode, opts);

    const rejoinMs = await run.awaitRejoin(
      () => {
        if (mode === "kill") startRedisNode(t, old.name);
        else process.kill(rec.pid, "SIGCONT");
      },
      async () => {
        const info = await redisReplication(t, old.port).catch(() => undefined);
        return info?.role === "slave" && info.master_link_status === "up";
      },
      60_000,
    );
    if (rejoinMs !== null) emit({ type: "rejoined", node: old.name, ms: rejoinMs });
    await sleep(1000);
  } finally {
    await run.stop();
  }
  const writesEndedAt = Date.now();

  // Every acknowledged entry must be on the master the Sentinels name now.
  const present = new Set((await client.lrange(key, 0, -1)).map(Number));
  await client.del(key);
  client.disconnect();
  const measured = run.measures(present, writesEndedAt);
  return {
    target: "redis",
    mode,
    drill_id: drillId,
    old_master: old.name,
    new_master: newMaster,
    sentinel_switch_ms: switchMs,
    ...measured.recovery,
    ...measured.writes,
    ...attributeAcks(run.acks, measured.lost, new Map(t.redis.nodes.map((n) => [n.port, n.name]))),
    ...measured.rejoin,
    ...measured.timing,
  };
}
