/**
 * The lost-job sweep: BullMQ lives in Redis, whose replication is asynchronous, so a Redis
 * failover can drop jobs Redis had already acknowledged. Every piece of asynchronous work has a
 * durable record in Postgres (the order row of a checkout saga, a notification delivery row, an
 * outbox row), so this sweep compares the two: work the database says is unfinished, with no job
 * in its queue after a grace period, is enqueued again under its original job id (and a delivery
 * whose job failed where its worker could not record the failure is retried: deliveries.ts).
 *
 * It runs in the maintenance process on a timer (not as a BullMQ job: a sweep scheduled in Redis
 * would be lost with the jobs it exists to find) and only while this process holds the etcd
 * leadership `lost-job-sweep`, so one process sweeps at a time. A leader that lost its lease mid
 * sweep is harmless: every re-enqueue reuses the job id and every consumer is idempotent.
 */
import { hostname } from "node:os";
import { Queue } from "bullmq";
import { etcdSchema, loadConfig } from "@agora/config";
import { createSagaQueue, PAYMENTS_QUEUE, queueEnqueuer, SAGAS_QUEUE } from "@agora/orders";
import { createRedis } from "@agora/redis";
import { counter, createLogger } from "@agora/telemetry";
import { LeaderElection } from "../leader/leader-election.ts";
import { jitter } from "../leader/jitter.ts";
import { CHANNELS, type Channel, channelQueueName, DEFAULT_CHANNEL_POLICY, type DeliveryJob } from "../notifications/channels.ts";
import { outboxSources } from "../outbox/relay.ts";
import { type DeliveryCursor, requeueLostDeliveries } from "./deliveries.ts";
import { requeueLostOutboxMessages, subscriberQueues } from "./outbox-messages.ts";
import { requeueLostSagaSteps } from "./saga-steps.ts";

const log = createLogger({ service: "lost-job-sweep" });
const requeued = counter({
  name: "lost_jobs_requeued_total",
  help: "Jobs the lost-job sweep enqueued again because their durable record was unfinished and the queue had no job",
  labelNames: ["kind"] as const,
});

export const LOST_JOB_SWEEP_ELECTION = "lost-job-sweep";

export interface LostJobSweepOptions {
  /** How often the leader sweeps (jittered ± 50 %). */
  everyMs: number;
  /** Work untouched for less than this may still have its job on the way. */
  graceMs: number;
  /** Deliveries and outbox messages older than this are not looked at (see outbox-messages.ts). */
  lookbackMs: number;
  /** Upper bound of rows per kind and sweep, so one sweep cannot flood a queue. */
  limit: number;
  /** etcd lease TTL of the sweep's leadership. */
  ttlSeconds?: number;
}

export interface SweepReport {
  sagaSteps: number;
  deliveries: number;
  outboxMessages: number;
}

export interface LostJobSweep {
  /** One sweep now, leader or not (tests, the first sweep after a failover drill). */
  sweepOnce(): Promise<SweepReport>;
  isLeader(): boolean;
  close(): Promise<void>;
}

export function startLostJobSweep(opts: LostJobSweepOptions): LostJobSweep {
  const { etcd } = loadConfig({ etcd: etcdSchema });
  const onError = (err: Error, queue: string) => log.warn({ queue }, err.message);
  const connection = createRedis({ maxRetriesPerRequest: null, connectionName: "lost-job-sweep" });
  const sagas = createSagaQueue(connection, SAGAS_QUEUE);
  const payments = createSagaQueue(connection, PAYMENTS_QUEUE);
  const channelQueues = Object.fromEntries(
    CHANNELS.map((c) => [c, new Queue<DeliveryJob>(channelQueueName(c), { connection })]),
  ) as Record<Channel, Queue<DeliveryJob>>;
  const outboxQueues = subscriberQueues(connection, onError);
  for (const q of [sagas, payments, ...Object.values(channelQueues)]) q.on("error", (err) => onError(err, q.name));
  const enqueue = queueEnqueuer(sagas, payments);
  const sources = outboxSources();
  const deliveryCursor: DeliveryCursor = {};

  async function sweepOnce(): Promise<SweepReport> {
    const steps = await requeueLostSagaSteps({ sagas, payments, enqueue }, opts);
    const deliveries = await requeueLostDeliveries(
      { queues: channelQueues, policy: DEFAULT_CHANNEL_POLICY, cursor: deliveryCursor },
      opts,
    );
    const messages = await requeueLostOutboxMessages(sources, outboxQueues, {
      graceMs: opts.graceMs,
      lookbackMs: opts.lookbackMs,
      scanRows: opts.limit,
    });
    requeued.inc({ kind: "saga_step" }, steps.length);
    requeued.inc({ kind: "delivery" }, deliveries.length);
    requeued.inc({ kind: "outbox_message" }, messages.length);
    if (steps.length + deliveries.length + messages.length > 0)
      log.warn(
        {
          sagaSteps: steps,
          deliveries: deliveries.filter((d) => d.reason === "missing").map((d) => d.deliveryId),
          failedDeliveriesRetried: deliveries.filter((d) => d.reason === "failed").map((d) => d.deliveryId),
          outboxMessages: messages,
        },
        "re-enqueued work whose job was missing",
      );
    return { sagaSteps: steps.length, deliveries: deliveries.length, outboxMessages: messages.length };
  }

  const election = new LeaderElection({
    hosts: etcd.AGORA_ETCD_ENDPOINTS,
    name: LOST_JOB_SWEEP_ELECTION,
    candidateId: `${hostname()}:${process.pid}`,
    ttlSeconds: opts.ttlSeconds ?? 5,
    onElected: (term) => log.info({ token: String(term.token) }, "leading the lost-job sweep"),
    onLost: (_term, reason) => log.info({ reason }, "no longer leading the lost-job sweep"),
    onError: (err) => log.warn({ err: err.message }, "lost-job sweep election"),
  });
  election.start();

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    if (stopped) return;
    if (election.isLeader())
      running = sweepOnce().catch((err: unknown) => {
        // Redis or Postgres failing over: the next tick tries again.
        log.warn({ err: err instanceof Error ? err.message : String(err) }, "lost-job sweep failed");
      });
    void running.then(() => {
      if (!stopped) timer = setTimeout(tick, jitter(opts.everyMs));
    });
  };
  timer = setTimeout(tick, jitter(opts.everyMs));

  return {
    sweepOnce,
    isLeader: () => election.isLeader(),
    async close() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await election.stop();
      await Promise.all([sagas.close(), payments.close(), ...Object.values(channelQueues).map((q) => q.close()), outboxQueues.close()]);
      connection.disconnect();
    },
  };
}
