/**
 * The `notifications` pool: one process that consumes `outbox-order.notifications` and runs the
 * email, sms and push workers, each on its own queue with its own concurrency and rate limit,
 * plus the vendor-notices consumer (`outbox-{order,stock,payout,staff}.vendor-notices`).
 */
import { Worker } from "bullmq";
import { z } from "zod";
import { loadConfig, storageSchema } from "@agora/config";
import { createRedis } from "@agora/redis";
import { CHANNELS, type Channel } from "../notifications/channels.ts";
import {
  type FaultInjector,
  faultPlanSchema,
  faultsFromPlan,
} from "../notifications/channel-sender.ts";
import {
  createNotificationService,
  NOTIFICATIONS_OUTBOX_QUEUE,
} from "../notifications/notification-service.ts";
import {
  createVendorNoticeConsumer,
  VENDOR_NOTICE_TOPICS,
  vendorNoticeQueue,
} from "../notifications/vendor-notices/vendor-notices.ts";
import type { PoolSpec } from "./run-pool.ts";

const envSchema = z.object({
  NOTIFY_OUTBOX_CONCURRENCY: z.coerce.number().int().positive().max(64).default(4),
  /** JSON fault plan for the simulated providers (see channel-sender.ts); chaos drills use it. */
  NOTIFY_FAULTS: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return {};
      let json: unknown;
      try {
        json = JSON.parse(s);
      } catch (err) {
        ctx.addIssue({ code: "custom", message: `not JSON (${(err as Error).message})` });
        return z.NEVER;
      }
      const parsed = faultPlanSchema.safeParse(json);
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: "custom", message: parsed.error.issues[0]?.message ?? "invalid plan" });
      return z.NEVER;
    }),
});

export function notificationsPool(): PoolSpec {
  const env = loadConfig(envSchema.extend(storageSchema.shape));
  const faults = Object.fromEntries(
    CHANNELS.map((c) => [c, faultsFromPlan(env.NOTIFY_FAULTS, c)]),
  ) as Record<Channel, FaultInjector>;
  const service = createNotificationService({
    connect: (name) => createRedis({ maxRetriesPerRequest: null, connectionName: `pool:${name}` }),
    stateDir: env.AGORA_STORAGE_DIR,
    faults,
  });
  const vendorNotices = createVendorNoticeConsumer({ enqueue: service.enqueue });
  const vendorWorkers: Worker[] = [];
  return {
    queue: NOTIFICATIONS_OUTBOX_QUEUE,
    concurrency: env.NOTIFY_OUTBOX_CONCURRENCY,
    processor: service.handleOutboxMessage,
    init: async () => {
      service.startChannelWorkers();
      for (const topic of VENDOR_NOTICE_TOPICS) {
        const queue = vendorNoticeQueue(topic);
        const worker = new Worker(queue, vendorNotices.handle, {
          connection: createRedis({ maxRetriesPerRequest: null, connectionName: `pool:${queue}` }),
          concurrency: env.NOTIFY_OUTBOX_CONCURRENCY,
        });
        worker.on("error", (err) =>
          process.stderr.write(
            `${JSON.stringify({ level: "warn", pool: queue, msg: err.message })}\n`,
          ),
        );
        vendorWorkers.push(worker);
      }
    },
    close: async () => {
      await Promise.all(vendorWorkers.map((w) => w.close()));
      await service.close();
    },
  };
}
