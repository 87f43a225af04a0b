/**
 * Consumes the outbox queues `outbox-stock.live-stock` and `outbox-order.live-orders` and emits
 * to the rooms. Only ONE gateway instance consumes at a time (etcd leader election): the Redis
 * adapter already broadcasts every emit to all instances, and a single consumer with concurrency 1
 * keeps a product's pushes in outbox order (two workers could deliver "0 left" after the later
 * "1 left"). If the consuming instance dies, another takes over within the lease TTL; jobs wait in
 * their queues meanwhile.
 *
 * No dedupe table: a push carries an absolute value (units available, the order's status at a
 * version), so delivering one twice shows the same thing twice.
 */
import { createRedis } from "@agora/redis";
import { type Job, Worker } from "bullmq";
import type { Server } from "socket.io";
import { LeaderElection } from "../leader/leader-election.ts";
import type { OutboxMessage } from "../outbox/outbox-message.ts";
import { subscriberQueueName } from "../outbox/subscriptions.ts";
import { LIVE_ORDERS, LIVE_STOCK, orderPush, type Push, stockPush } from "./live-push.ts";

export const LIVE_PUSH_ELECTION = "realtime-push";

const QUEUES: { queue: string; toPush: (m: OutboxMessage) => Push }[] = [
  { queue: subscriberQueueName("stock", LIVE_STOCK), toPush: stockPush },
  { queue: subscriberQueueName("order", LIVE_ORDERS), toPush: orderPush },
];

function log(level: string, fields: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ level, pool: "realtime", ...fields })}\n`);
}

export interface LivePushConsumer {
  isConsuming(): boolean;
  close(): Promise<void>;
}

export function startLivePushConsumer(opts: {
  io: Server;
  /** etcd client URLs (AGORA_ETCD_ENDPOINTS). */
  etcdEndpoints: string[];
  candidateId: string;
  electionName?: string;
  /** Lease TTL: how long a dead consumer's pushes wait before another instance takes over. */
  ttlSeconds?: number;
}): LivePushConsumer {
  let workers: Worker<OutboxMessage>[] = [];
  let stopping: Promise<void> = Promise.resolve();
  let leading = false;

  const startWorkers = () => {
    workers = QUEUES.map(({ queue, toPush }) => {
      const w = new Worker<OutboxMessage>(
        queue,
        async (job: Job<OutboxMessage>) => {
          const push = toPush(job.data);
          opts.io.to(push.room).emit(push.event, push.data);
        },
        {
          connection: createRedis({
            maxRetriesPerRequest: null,
            connectionName: `realtime:${queue}`,
          }),
          concurrency: 1,
        },
      );
      w.on("error", (err) => log("warn", { queue, msg: err.message }));
      w.on("failed", (job, err) => log("error", { queue, job: job?.id, msg: err.message }));
      return w;
    });
  };
  const stopWorkers = () => {
    const closing = workers;
    workers = [];
    stopping = Promise.all(closing.map((w) => w.close())).then(() => undefined);
    return stopping;
  };

  const election = new LeaderElection({
    hosts: opts.etcdEndpoints,
    name: opts.electionName ?? LIVE_PUSH_ELECTION,
    candidateId: opts.candidateId,
    ttlSeconds: opts.ttlSeconds ?? 5,
    onElected: (term) => {
      log("info", { msg: "consuming live pushes", token: String(term.token) });
      leading = true;
      // A previous term's workers may still be closing; start after them, unless lost meanwhile.
      void stopping.then(() => {
        if (leading && workers.length === 0) startWorkers();
      });
    },
    onLost: (_term, reason) => {
      leading = false;
      log("warn", { msg: "stopped consuming live pushes", reason });
      void stopWorkers();
    },
    onError: (err) => log("warn", { msg: "election error", err: err.message }),
  });
  election.start();
  return {
    isConsuming: () => workers.length > 0,
    close: async () => {
      leading = false;
      await stopWorkers();
      await election.stop({ resign: true });
    },
  };
}
