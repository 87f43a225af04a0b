/**
 * The console's Scaling page: the local autoscaler's targets, its latest decisions with the
 * decision core's reasons, its samples over time (instances per target, request rate, oldest
 * queued job), and the last sale spike. The records are written by processes outside the API (the
 * supervisor, the spike CLI): their shape is checked here, a mismatch is "no data".
 *
 * The storefront tier's live instances come from the service registry (the autoscaler's extra
 * ones and a rollout's included), each with its latest scrape; the tier's p95 is the 95th
 * percentile of its tRPC calls per 5 s scrape round, from every instance's latency histogram
 * merged (metrics-history.ts) — not HAProxy's average response time.
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createLogger } from "@agora/telemetry";
import { isOpsError, opsBackend } from "../backend.ts";
import { core } from "@agora/db";
import { servicesOverview } from "../services/service-instances.ts";
import { tierHistory, tierInstances } from "../telemetry/metrics-history.ts";
import type { StartSpikeInput } from "./scaling.schema.ts";

const log = createLogger({ service: "ops-scaling" });

const numbers = z.record(z.string(), z.number());
const autoscalerSchema = z.object({
  enabled: z.boolean(),
  intervalMs: z.number(),
  updatedAt: z.string(),
  targets: z.record(
    z.string(),
    z.object({
      current: z.number(),
      desired: z.number(),
      min: z.number(),
      max: z.number(),
      instances: z.array(z.string()),
      metrics: numbers,
      reason: z.string(),
    }),
  ),
  decisions: z.array(
    z.object({
      at: z.string(),
      target: z.string(),
      from: z.number(),
      to: z.number(),
      reason: z.string(),
      by: z.enum(["hpa", "keda"]),
      metrics: numbers,
      proposals: z.record(z.string(), z.union([z.number(), z.string()])),
    }),
  ),
  samples: z.array(
    z.object({
      at: z.string(),
      instances: numbers,
      rps: z.number().optional(),
      responseMs: z.number().optional(),
      queueAgeSeconds: numbers,
      backlog: numbers,
    }),
  ),
});

const spikeSchema = z.object({
  runId: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  autoscale: z.boolean(),
  connections: z.number(),
  durationS: z.number(),
  loadAverage: z.array(z.number()),
  windows: z.array(
    z.object({ atS: z.number(), requests: z.number(), rps: z.number(), p95Ms: z.number(), errors: z.number(), instances: numbers }),
  ),
  checkout: z.object({ shoppers: z.number(), ready: z.number(), errors: numbers }).optional(),
});

export type SpikeRunView = z.infer<typeof spikeSchema>;

function parsed<T>(schema: z.ZodType<T>, value: unknown, what: string): T | null {
  if (value === null || value === undefined) return null;
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  log.warn({ issues: r.error.issues.slice(0, 3) }, `${what} has an unexpected shape; left out`);
  return null;
}

/** Minutes of the storefront tier's scraped history the page charts. */
const TIER_MINUTES = 30;

export interface StorefrontInstanceView {
  instanceId: string;
  address: string;
  version: string;
  ready: boolean;
  leaseAgeS: number;
  /** Whether its latest scrape answered; null before the first scrape of it. */
  scraped: boolean | null;
  rps: number | null;
  p95Ms: number | null;
}

export interface StorefrontTierView {
  registryReachable: boolean;
  instances: StorefrontInstanceView[];
  series: { t: number; p50Ms: number | null; p95Ms: number | null; p99Ms: number | null; rps: number | null; scraped: number }[];
  /** The tier's p95 over the latest scrape round. */
  p95Ms: number | null;
}

/** Every live storefront instance in the registry with what its latest scrape said. */
async function storefrontTier(): Promise<StorefrontTierView> {
  let registry: Awaited<ReturnType<typeof servicesOverview>>;
  try {
    registry = await servicesOverview();
  } catch (err) {
    // No registry configured for this deployment's console: the page shows the autoscaler alone.
    log.warn({ err }, "service registry not configured; storefront instances left out");
    return { registryReachable: false, instances: [], series: [], p95Ms: null };
  }
  const scraped = tierInstances("storefront");
  const instances = registry.instances
    .filter((i) => i.service === "storefront")
    .map((i) => {
      const p = scraped.get(i.instanceId);
      return {
        instanceId: i.instanceId,
        address: i.address,
        version: i.version,
        ready: i.ready,
        leaseAgeS: i.leaseAgeS,
        scraped: p ? p.up === 1 : null,
        rps: p?.rps ?? null,
        p95Ms: p?.p95Ms ?? null,
      };
    });
  const series = tierHistory("storefront", TIER_MINUTES).map((p) => ({
    t: p.t,
    p50Ms: p.p50Ms,
    p95Ms: p.p95Ms,
    p99Ms: p.p99Ms,
    rps: p.rps,
    scraped: p.up,
  }));
  return { registryReachable: registry.reachable, instances, series, p95Ms: series.at(-1)?.p95Ms ?? null };
}

export async function scalingOverview() {
  const state = await opsBackend().scalingState();
  if (!state) return { available: false as const };
  const storefront = await storefrontTier();
  const a = parsed(autoscalerSchema, state.autoscaler, "autoscaler state");
  const targets = a ? Object.entries(a.targets).map(([name, s]) => ({ name, ...s })) : [];
  const series = (a?.samples ?? []).map((s) => ({
    t: Date.parse(s.at),
    rps: s.rps ?? null,
    responseMs: s.responseMs ?? null,
    ...Object.fromEntries(Object.entries(s.instances).map(([k, v]) => [`instances:${k}`, v])),
    ...Object.fromEntries(Object.entries(s.queueAgeSeconds).map(([k, v]) => [`age:${k}`, v])),
  }));
  return {
    available: true as const,
    enabled: a?.enabled ?? null,
    intervalMs: a?.intervalMs ?? null,
    updatedAt: a?.updatedAt ?? null,
    targets,
    // Newest first: the page shows the latest.
    decisions: [...(a?.decisions ?? [])].reverse().slice(0, 50),
    series,
    storefront,
    spike: {
      running: state.spike.running,
      progress: parsed(spikeSchema, state.spike.progress, "spike progress"),
      latest: parsed(spikeSchema, state.spike.latest, "last spike"),
    },
  };
}

export async function startSaleSpike(userId: string, input: StartSpikeInput): Promise<{ started: true }> {
  try {
    await opsBackend().startSpike(input);
  } catch (err) {
    if (isOpsError(err, "SPIKE_ALREADY_RUNNING")) throw new TRPCError({ code: "CONFLICT", message: err.message });
    throw err;
  }
  // A privileged action on the platform: who started a load run, and with what bounds.
  await core().primary.auditLog.create({
    data: { actorUserId: userId, action: "ops.spike.start", targetType: "gateway", targetId: "storefront", details: input },
  });
  return { started: true };
}
