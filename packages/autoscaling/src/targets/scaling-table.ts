/**
 * The ONE scaling table: HPA numbers of the web tier and KEDA numbers of the worker pools, per
 * environment. `target-policies.ts` turns each row into the typed policy of the decision core;
 * infra/k8s renders HorizontalPodAutoscalers and ScaledObjects from the `staging`/`production`
 * rows and the local autoscaler (infra/local/src/autoscaler) evaluates the `local` row, so a
 * laptop and a cluster scale by the same rules and the numbers live in one place.
 */
import type { WebApp, WorkerPool } from "@agora/config";
import { type Behavior, DEFAULT_BEHAVIOR } from "../policy.ts";

/** Where a row applies: the Kubernetes environments, and the local topology on one machine. */
export const SCALING_ENVIRONMENTS = ["local", "staging", "production"] as const;
export type ScalingEnvironment = (typeof SCALING_ENVIRONMENTS)[number];

export interface WebScaling {
  minReplicas: number;
  maxReplicas: number;
  /** Average CPU utilisation (of requests) the HPA steers towards. */
  targetCpuPercent: number;
  /** tRPC calls in flight per instance (`agora_trpc_in_flight_requests`) the HPA steers towards. */
  inFlightPerInstance: number;
  behavior: Behavior;
}

export interface QueueScaling {
  /** 0 lets the pool sleep: KEDA then wakes it when a queue exceeds `activationJobs`. */
  minReplicas: number;
  maxReplicas: number;
  /** BullMQ queues the pool consumes (names as in product code, see scaling.test.ts). */
  queues: readonly string[];
  /** Waiting jobs one replica is expected to absorb (the HPA target average). */
  jobsPerReplica: number;
  /** A sleeping pool (0 replicas) is woken when a queue holds more waiting jobs than this. */
  activationJobs: number;
  /** Age of the oldest waiting job the pool is sized to keep below (seconds, not averaged). */
  oldestJobAgeSeconds: number;
  /** Also wakes a sleeping pool when a job has waited longer than this. */
  activationOldestJobAgeSeconds: number;
  /** The HPA KEDA generates scales by the Kubernetes defaults: fast up, down after 300 s. */
  behavior: Behavior;
  pollingIntervalSeconds: number;
  /** Seconds with no activity before a sleeping-capable pool is scaled back to 0. */
  cooldownPeriodSeconds: number;
}

export interface EnvironmentScaling {
  web: Record<WebApp, WebScaling>;
  pools: Record<WorkerPool, QueueScaling>;
}

/** Scale up fast (a sale starts in seconds), scale down slowly (don't drop warm caches on a dip). */
const webBehavior: Behavior = {
  // Kubernetes' own default: double or +4 pods per 15 s, whichever is more, no window.
  scaleUp: DEFAULT_BEHAVIOR.scaleUp,
  scaleDown: {
    stabilizationWindowSeconds: 300,
    selectPolicy: "Min",
    policies: [
      { type: "Pods", value: 2, periodSeconds: 60 },
      { type: "Percent", value: 10, periodSeconds: 60 },
    ],
  },
};

const web = (minReplicas: number, maxReplicas: number, targetCpuPercent: number): WebScaling => ({
  minReplicas,
  maxReplicas,
  targetCpuPercent,
  // Calls in flight grow before CPU does when an instance waits on the database: the earlier signal.
  inFlightPerInstance: 20,
  behavior: webBehavior,
});

/**
 * Queue names per pool. Notifications consumes the order outbox subscription and one queue per
 * delivery channel; analytics the order subscription and the reconcile queue; `maintenance` is
 * also the payouts queue. The maintenance pool owns BullMQ job schedulers whose delayed jobs only
 * a running worker promotes to `wait`, so it never sleeps; the analytics pool also reads a Redis
 * stream KEDA does not watch, so it never sleeps either.
 */
export const POOL_QUEUES: Record<WorkerPool, readonly string[]> = {
  sagas: ["sagas"],
  payments: ["payments"],
  notifications: ["outbox-order.notifications", "notify-email", "notify-sms", "notify-push"],
  imports: ["imports"],
  analytics: ["outbox-order.analytics", "analytics-reconcile"],
  maintenance: ["maintenance"],
};

const pool = (
  name: WorkerPool,
  minReplicas: number,
  maxReplicas: number,
  jobsPerReplica: number,
  local: Partial<QueueScaling> = {},
): QueueScaling => ({
  minReplicas,
  maxReplicas,
  queues: POOL_QUEUES[name],
  jobsPerReplica,
  // KEDA activates on a length strictly above the threshold: 0 wakes a pool on its first job.
  activationJobs: 0,
  // A job waiting a minute means the pool is behind, whatever the queue length says.
  oldestJobAgeSeconds: 60,
  activationOldestJobAgeSeconds: 30,
  pollingIntervalSeconds: 15,
  cooldownPeriodSeconds: 300,
  behavior: DEFAULT_BEHAVIOR,
  ...local,
});

/**
 * One machine (2 cores shared with the data tier): a spike is minutes long, so the local row
 * scales down after a minute instead of five, and a sleeping pool sleeps again after a minute.
 */
const localBehavior: Behavior = {
  scaleUp: webBehavior.scaleUp,
  scaleDown: {
    stabilizationWindowSeconds: 60,
    selectPolicy: "Max",
    policies: [{ type: "Pods", value: 1, periodSeconds: 30 }],
  },
};
const localPool = { behavior: localBehavior, cooldownPeriodSeconds: 60 };

export const SCALING: Record<ScalingEnvironment, EnvironmentScaling> = {
  // The local topology: a storefront instance is a Next.js server of ~150 MB that saturates
  // about half a core, so 4 is what a 2-core box carries next to the data tier (docs/performance.md).
  // Fixed-size pools say why in their row. At most 16 calls reach an instance at once (HAProxy's
  // maxconn, more wait in its queue), so the in-flight target sits below that.
  local: {
    web: {
      storefront: { ...web(2, 4, 70), inFlightPerInstance: 8, behavior: localBehavior },
      // One instance each: their direct ports are their NEXTAUTH_URL (no slot to scale into).
      "vendor-portal": { ...web(1, 1, 70), behavior: localBehavior },
      "ops-console": { ...web(1, 1, 70), behavior: localBehavior },
    },
    pools: {
      sagas: pool("sagas", 1, 3, 50, localPool),
      // The payments process also serves the carrier's webhooks on one fixed port: one process.
      payments: pool("payments", 1, 1, 50, localPool),
      notifications: pool("notifications", 1, 2, 200, localPool),
      // Imports sleep at 0: a job waits in Redis until a process wakes, nothing else depends on it.
      imports: pool("imports", 0, 2, 5, localPool),
      analytics: pool("analytics", 1, 1, 500, localPool),
      maintenance: pool("maintenance", 1, 1, 100, localPool),
    },
  },
  staging: {
    web: {
      storefront: web(2, 6, 70),
      "vendor-portal": web(2, 4, 70),
      "ops-console": web(1, 2, 70),
    },
    pools: {
      sagas: pool("sagas", 1, 4, 50),
      payments: pool("payments", 1, 3, 50),
      notifications: pool("notifications", 1, 3, 200),
      imports: pool("imports", 0, 2, 5),
      analytics: pool("analytics", 1, 2, 500),
      maintenance: pool("maintenance", 1, 1, 100),
    },
  },
  // Production web tier: at least 10 storefront instances, at most 100 (capacity requirement).
  production: {
    web: {
      storefront: web(10, 100, 65),
      "vendor-portal": web(3, 20, 70),
      "ops-console": web(2, 4, 70),
    },
    pools: {
      sagas: pool("sagas", 2, 40, 50),
      payments: pool("payments", 2, 20, 50),
      notifications: pool("notifications", 2, 20, 200),
      imports: pool("imports", 0, 10, 5),
      analytics: pool("analytics", 1, 6, 500),
      maintenance: pool("maintenance", 1, 2, 100),
    },
  },
};
