import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { WEB_APPS, WORKER_POOLS } from "./deployables.ts";
import { ENVIRONMENT_NAMES } from "./environments.ts";
import { POOL_QUEUES, SCALING } from "./scaling.ts";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const source = (path: string) => readFileSync(resolve(repo, path), "utf8");

/**
 * The queue names KEDA watches are product facts: if product code renames a queue, the autoscaler
 * would silently watch an empty key. Each row points at the line that defines the name.
 */
const QUEUE_SOURCES: [queue: string, file: string, snippet: string][] = [
  ["sagas", "packages/orders/src/saga-queue.ts", 'SAGAS_QUEUE = "sagas"'],
  ["payments", "packages/orders/src/saga-queue.ts", 'PAYMENTS_QUEUE = "payments"'],
  ["imports", "packages/api/src/vendor/imports/import-contract.ts", 'IMPORTS_QUEUE = "imports"'],
  [
    "maintenance",
    "packages/api/src/vendor/payouts/payout-contract.ts",
    'PAYOUTS_QUEUE = "maintenance"',
  ],
  [
    "analytics-reconcile",
    "packages/api/src/analytics/reconcile-request.ts",
    'RECONCILE_QUEUE = "analytics-reconcile"',
  ],
  [
    "outbox-order.notifications",
    "apps/workers/src/notifications/notification-service.ts",
    'subscriberQueueName("order", NOTIFICATIONS_CONSUMER)',
  ],
  [
    "outbox-order.notifications",
    "apps/workers/src/notifications/notification-service.ts",
    'NOTIFICATIONS_CONSUMER = "notifications"',
  ],
  [
    "outbox-order.analytics",
    "apps/workers/src/analytics/order-consumer.ts",
    'subscriberQueueName("order", ANALYTICS_CONSUMER)',
  ],
  [
    "outbox-order.analytics",
    "apps/workers/src/analytics/order-consumer.ts",
    'ANALYTICS_CONSUMER = "analytics"',
  ],
  ["outbox-order.*", "apps/workers/src/outbox/outbox-message.ts", "return `outbox-${topic}`"],
  [
    "outbox-order.*",
    "apps/workers/src/outbox/subscriptions.ts",
    "`${outboxQueueName(topic)}.${subscriber}`",
  ],
  ["notify-*", "apps/workers/src/notifications/channels.ts", "`notify-${channel}`"],
  ["notify-*", "apps/workers/src/notifications/channels.ts", 'CHANNELS = ["email", "sms", "push"]'],
];

describe("scaling table", () => {
  it.each(QUEUE_SOURCES)("watches queue %s as named in %s", (_queue, file, snippet) => {
    expect(source(file)).toContain(snippet);
  });

  it("watches every queue listed for a pool and no pool without queues", () => {
    for (const pool of WORKER_POOLS) expect(POOL_QUEUES[pool].length).toBeGreaterThan(0);
  });

  it.each(ENVIRONMENT_NAMES)(
    "%s: bounds are ordered and a sleeping pool wakes on its first job",
    (env) => {
      for (const app of WEB_APPS) {
        const s = SCALING[env].web[app];
        expect(s.minReplicas).toBeGreaterThanOrEqual(1);
        expect(s.minReplicas).toBeLessThanOrEqual(s.maxReplicas);
        expect(s.behavior.scaleDown.stabilizationWindowSeconds).toBeGreaterThan(
          s.behavior.scaleUp.stabilizationWindowSeconds,
        );
      }
      for (const pool of WORKER_POOLS) {
        const s = SCALING[env].pools[pool];
        expect(s.minReplicas).toBeLessThanOrEqual(s.maxReplicas);
        // KEDA's redis scaler is active when the length is > activationListLength.
        if (s.minReplicas === 0) expect(s.activationJobs).toBe(0);
      }
      // Job schedulers (maintenance) and the analytics stream reader need a running worker.
      expect(SCALING[env].pools.maintenance.minReplicas).toBeGreaterThan(0);
      expect(SCALING[env].pools.analytics.minReplicas).toBeGreaterThan(0);
    },
  );

  it("keeps production's storefront between 10 and 100 instances", () => {
    expect(SCALING.production.web.storefront).toMatchObject({ minReplicas: 10, maxReplicas: 100 });
  });
});
