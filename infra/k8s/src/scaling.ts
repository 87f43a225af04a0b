/**
 * The ONE scaling table: HPA numbers of the web tier and KEDA numbers of the worker pools, per
 * environment. The Kubernetes generator turns it into HorizontalPodAutoscalers and ScaledObjects;
 * a local autoscaler (HAProxy `add server` / one more worker process) is meant to read the same
 * table, so a laptop and a cluster scale by the same rules.
 */
import type { WebApp, WorkerPool } from "./deployables.ts";
import type { EnvironmentName } from "./environments.ts";

/** One direction of HPA `behavior`: how fast replicas may be added or removed. */
export interface ScalingPolicy {
  /** Look back this long and use the most conservative recommendation (damps flapping). */
  stabilizationWindowSeconds: number;
  /** At most this many pods per period … */
  pods: number;
  /** … or this percentage of the current count per period, whichever the `select` picks. */
  percent: number;
  periodSeconds: number;
  select: "Max" | "Min";
}

export interface WebScaling {
  minReplicas: number;
  maxReplicas: number;
  /** Average CPU utilisation (of requests) the HPA steers towards. */
  targetCpuPercent: number;
  scaleUp: ScalingPolicy;
  scaleDown: ScalingPolicy;
}

export interface QueueScaling {
  /** 0 lets the pool sleep: KEDA then wakes it when a queue reaches `activationJobs`. */
  minReplicas: number;
  maxReplicas: number;
  /** BullMQ queues the pool consumes (names as in product code, see scaling.test.ts). */
  queues: readonly string[];
  /** Waiting jobs one replica is expected to absorb (the HPA target average). */
  jobsPerReplica: number;
  /** Waiting jobs above which a sleeping pool (0 replicas) is woken. */
  activationJobs: number;
  pollingIntervalSeconds: number;
  /** Seconds with no activity before a sleeping-capable pool is scaled back to 0. */
  cooldownPeriodSeconds: number;
}

export interface EnvironmentScaling {
  web: Record<WebApp, WebScaling>;
  pools: Record<WorkerPool, QueueScaling>;
}

/** Scale up fast (a sale starts in seconds), scale down slowly (don't drop warm caches on a dip). */
const webBehavior = {
  scaleUp: {
    stabilizationWindowSeconds: 0,
    pods: 4,
    percent: 100,
    periodSeconds: 15,
    select: "Max",
  },
  scaleDown: {
    stabilizationWindowSeconds: 300,
    pods: 2,
    percent: 10,
    periodSeconds: 60,
    select: "Min",
  },
} as const satisfies Pick<WebScaling, "scaleUp" | "scaleDown">;

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
): QueueScaling => ({
  minReplicas,
  maxReplicas,
  queues: POOL_QUEUES[name],
  jobsPerReplica,
  activationJobs: minReplicas === 0 ? 1 : 0,
  pollingIntervalSeconds: 15,
  cooldownPeriodSeconds: 300,
});

export const SCALING: Record<EnvironmentName, EnvironmentScaling> = {
  staging: {
    web: {
      storefront: { minReplicas: 2, maxReplicas: 6, targetCpuPercent: 70, ...webBehavior },
      "vendor-portal": { minReplicas: 2, maxReplicas: 4, targetCpuPercent: 70, ...webBehavior },
      "ops-console": { minReplicas: 1, maxReplicas: 2, targetCpuPercent: 70, ...webBehavior },
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
      storefront: { minReplicas: 10, maxReplicas: 100, targetCpuPercent: 65, ...webBehavior },
      "vendor-portal": { minReplicas: 3, maxReplicas: 20, targetCpuPercent: 70, ...webBehavior },
      "ops-console": { minReplicas: 2, maxReplicas: 4, targetCpuPercent: 70, ...webBehavior },
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
