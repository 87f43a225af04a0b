import { opsAnalyticsRouter } from "./analytics.ts";
import { acknowledgeAlert, createSilence, expireSilence } from "../ops/alerts/alert-actions.ts";
import {
  acknowledgeAlertInput,
  createSilenceInput,
  expireSilenceInput,
} from "../ops/alerts/alerts.schema.ts";
import { alertsOverview } from "../ops/alerts/alerts-overview.ts";
import { z } from "zod";
import { chaosApplyInput, chaosUndoInput } from "../ops/chaos/chaos-input.ts";
import { activeFaults, applyChaos, chaosOverview, undoChaos } from "../ops/chaos/chaos-controls.ts";
import { getDrill, listDrills, startDrill, startDrillInput } from "../ops/drills/drill-runs.ts";
import {
  discardFailed,
  queueActionInput,
  queueOverview,
  recentSagas,
  retryFailed,
  sagaTimeline,
  sagaTimelineInput,
} from "../ops/queues/queue-overview.ts";
import { payoutOverview } from "../ops/payouts/payout-overview.ts";
import { admissionOverview } from "../ops/queues/checkout-admission.ts";
import { keyOverview, rotatePersonalDataKey } from "../ops/keys/key-overview.ts";
import { certificateOverview, rotateCertificates } from "../ops/certificates/certificates.ts";
import { servicesOverview } from "../ops/services/service-instances.ts";
import { deploymentsOverview, rolloutAction, startRollout } from "../ops/deployments/deployments.ts";
import { rolloutActionInput, startRolloutInput } from "../ops/deployments/deployments.schema.ts";
import { regionsOverview, setRegionLink } from "../ops/regions/regions-overview.ts";
import { regionsOverviewInput, setRegionLinkInput } from "../ops/regions/regions.schema.ts";
import { regionDrillStatus, startRegionFailback, startRegionFailover } from "../ops/regions/region-drill-runs.ts";
import { startRegionFailbackInput, startRegionFailoverInput } from "../ops/regions/region-drill.schema.ts";
import { scalingOverview, startSaleSpike } from "../ops/scaling/scaling-overview.ts";
import { startSpikeInput } from "../ops/scaling/scaling.schema.ts";
import { performanceOverview } from "../ops/performance/bench-history.ts";
import { soakRuns } from "../ops/chaos/soak-runs.ts";
import {
  shardOverview,
  startVendorMove,
  startVendorMoveInput,
} from "../ops/shards/vendor-moves.ts";
import {
  clusterMembers,
  clusterMembersInput,
  topologyOverview,
  topologyStatusInput,
} from "../ops/topology-status.ts";
import {
  getTrace,
  searchLogs,
  searchTraces,
  telemetryServices,
} from "../ops/telemetry/collector-client.ts";
import { errorOverview } from "../ops/telemetry/error-groups.ts";
import {
  breakerReadings,
  metricsHistory,
  paymentProviderReadings,
} from "../ops/telemetry/metrics-history.ts";
import { replicationHistory } from "../ops/telemetry/replication-history.ts";
import {
  errorsInput,
  logSearchInput,
  traceInput,
  traceSearchInput,
} from "../ops/telemetry/telemetry.schema.ts";
import { createTRPCRouter, permissionProcedure } from "../trpc.ts";

/** Operators and admins only: every procedure here needs at least `ops:read`. */
export const opsRouter = createTRPCRouter({
  /** The analytics batch's reconcile runs across vendors. */
  analytics: opsAnalyticsRouter,
  /** Live status of every process (etcd Raft roles, Patroni leaders and lag, Redis, HAProxy). */
  topology: permissionProcedure("ops:read")
    .input(topologyStatusInput)
    .query(({ input }) => topologyOverview(input)),
  /** Live instances in the service registry (Services page). */
  services: permissionProcedure("ops:read").query(() => servicesOverview()),
  /** SLOs, firing alerts, the on-call inbox and silences (Alerts page). */
  alerts: createTRPCRouter({
    overview: permissionProcedure("ops:read").query(() => alertsOverview()),
    acknowledge: permissionProcedure("ops:alerts")
      .input(acknowledgeAlertInput)
      .mutation(({ ctx, input }) => acknowledgeAlert(ctx.session.userId, input.alertId)),
    silence: permissionProcedure("ops:alerts")
      .input(createSilenceInput)
      .mutation(({ ctx, input }) => createSilence(ctx.session.userId, input)),
    expireSilence: permissionProcedure("ops:alerts")
      .input(expireSilenceInput)
      .mutation(({ ctx, input }) => expireSilence(ctx.session.userId, input.silenceId)),
  }),
  /** Kill / pause / restart nodes, provider faults, app→database link faults; each one undoable. */
  chaos: createTRPCRouter({
    overview: permissionProcedure("ops:read").query(() => chaosOverview()),
    /** The console's banner: faults that are still in place. */
    active: permissionProcedure("ops:read").query(() => activeFaults()),
    inject: permissionProcedure("ops:chaos")
      .input(chaosApplyInput)
      .mutation(({ ctx, input }) => applyChaos(ctx.session.userId, input)),
    undo: permissionProcedure("ops:chaos")
      .input(chaosUndoInput)
      .mutation(({ ctx, input }) => undoChaos(ctx.session.userId, input.id)),
    /** Runs of the randomized fault soak (`npm run chaos:soak`) against this deployment. */
    soakRuns: permissionProcedure("ops:read").query(() => soakRuns()),
  }),
  /** Autoscaler decisions, instances over time and sale spikes (Scaling page; capacity: ops:scale). */
  scaling: createTRPCRouter({
    overview: permissionProcedure("ops:scale").query(() => scalingOverview()),
    startSpike: permissionProcedure("ops:scale")
      .input(startSpikeInput)
      .mutation(({ ctx, input }) => startSaleSpike(ctx.session.userId, input)),
  }),
  /** The runs of `npm run bench` against this deployment (Performance page). */
  performance: permissionProcedure("ops:read").query(() => performanceOverview()),
  /** Regions, the link between them, tenant placement, region drills (Regions page; link and drills: ops:regions). */
  regions: createTRPCRouter({
    overview: permissionProcedure("ops:read")
      .input(regionsOverviewInput)
      .query(({ input }) => regionsOverview(input.minutes)),
    setLink: permissionProcedure("ops:regions")
      .input(setRegionLinkInput)
      .mutation(({ ctx, input }) => setRegionLink(ctx.session.userId, input)),
    /** The region failover drill and its failback: progress from the console, not core (the drill takes core away). */
    drill: permissionProcedure("ops:read").query(() => regionDrillStatus()),
    startFailover: permissionProcedure("ops:regions")
      .input(startRegionFailoverInput)
      .mutation(({ ctx, input }) => startRegionFailover(ctx.session.userId, input)),
    startFailback: permissionProcedure("ops:regions")
      .input(startRegionFailbackInput)
      .mutation(({ ctx }) => startRegionFailback(ctx.session.userId)),
  }),
  /** Vendors per shard and online vendor moves; moving a vendor is a capacity change (ops:scale). */
  shards: createTRPCRouter({
    overview: permissionProcedure("ops:read").query(() => shardOverview()),
    moveVendor: permissionProcedure("ops:scale")
      .input(startVendorMoveInput)
      .mutation(({ ctx, input }) => startVendorMove(ctx.session.userId, input)),
  }),
  /** Encryption keys: transit key versions, data keys per version, the rewrap job, the secrets audit log. */
  keys: createTRPCRouter({
    overview: permissionProcedure("ops:read").query(() => keyOverview()),
    rotate: permissionProcedure("ops:deploy").mutation(({ ctx }) => rotatePersonalDataKey(ctx.session.userId)),
  }),
  /** Storefront releases: the rollout's steps, weights and analysis; start, promote, abort, roll back. */
  deployments: createTRPCRouter({
    overview: permissionProcedure("ops:deploy").query(() => deploymentsOverview()),
    start: permissionProcedure("ops:deploy").input(startRolloutInput).mutation(({ ctx, input }) => startRollout(ctx.session.userId, input)),
    action: permissionProcedure("ops:deploy").input(rolloutActionInput).mutation(({ ctx, input }) => rolloutAction(ctx.session.userId, input)),
  }),
  /** TLS certificates as the servers present them (expiry, serial, protocol), and their rotation. */
  certificates: createTRPCRouter({
    list: permissionProcedure("ops:read").query(() => certificateOverview()),
    rotate: permissionProcedure("ops:deploy").mutation(({ ctx }) => rotateCertificates(ctx.session.userId)),
  }),
  /** Payout two-phase commits still in doubt on any cluster, and the latest payouts. */
  payouts: permissionProcedure("ops:read").query(() => payoutOverview()),
  /** Every BullMQ queue (depth, age, failed, dead letters) and each order's saga timeline. */
  queues: createTRPCRouter({
    list: permissionProcedure("ops:read").query(() => queueOverview()),
    retryFailed: permissionProcedure("ops:queues")
      .input(queueActionInput)
      .mutation(({ ctx, input }) => retryFailed(ctx.session.userId, input.queue)),
    discardFailed: permissionProcedure("ops:queues")
      .input(queueActionInput)
      .mutation(({ ctx, input }) => discardFailed(ctx.session.userId, input.queue)),
    recentSagas: permissionProcedure("ops:read").query(() => recentSagas()),
    /** Checkout admission control: in flight vs the adaptive limit, the line, the average time. */
    admission: permissionProcedure("ops:read").query(() => admissionOverview()),
    sagaTimeline: permissionProcedure("ops:read")
      .input(sagaTimelineInput)
      .query(({ input }) => sagaTimeline(input.orderId)),
  }),
  /** Failover drills with synthetic checkout traffic, their live progress and report history. */
  drills: createTRPCRouter({
    start: permissionProcedure("ops:drills")
      .input(startDrillInput)
      .mutation(({ ctx, input }) => startDrill(ctx.session.userId, input)),
    get: permissionProcedure("ops:read")
      .input(z.object({ id: z.uuid() }))
      .query(({ input }) => getDrill(input.id)),
    list: permissionProcedure("ops:read").query(() => listDrills()),
    /** The drilled cluster's members and leader, cheap enough to poll every second. */
    cluster: permissionProcedure("ops:read")
      .input(clusterMembersInput)
      .query(({ input }) => clusterMembers(input)),
  }),
  /** Traces, logs and metrics history from the telemetry collector and the console's scraper. */
  telemetry: createTRPCRouter({
    services: permissionProcedure("ops:read").query(() => telemetryServices()),
    traces: permissionProcedure("ops:read")
      .input(traceSearchInput)
      .query(({ input }) => searchTraces(input)),
    trace: permissionProcedure("ops:read")
      .input(traceInput)
      .query(({ input }) => getTrace(input.traceId)),
    logs: permissionProcedure("ops:read")
      .input(logSearchInput)
      .query(({ input }) => searchLogs(input)),
    metrics: permissionProcedure("ops:read")
      .input(z.object({ minutes: z.number().int().positive().max(60).default(15) }))
      .query(({ input }) => metricsHistory(input.minutes)),
    breakers: permissionProcedure("ops:read").query(() => breakerReadings()),
    paymentProviders: permissionProcedure("ops:read").query(() => paymentProviderReadings()),
    replication: permissionProcedure("ops:read")
      .input(z.object({ minutes: z.number().int().positive().max(60).default(15) }))
      .query(({ input }) => replicationHistory(input.minutes)),
    errors: permissionProcedure("ops:read")
      .input(errorsInput)
      .query(({ input }) => errorOverview(input)),
  }),
});
