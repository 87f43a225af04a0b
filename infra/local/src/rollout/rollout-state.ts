/**
 * A rollout's durable state: one JSON file in the topology's state folder (`rollout.json`),
 * written by the controller after every change and read by the console and the CLI. Operator
 * requests (promote, abort, rollback) are a separate small file the controller polls, so the
 * controller is the only writer of the state. `traffic.json` is the split the gateway follows.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { writeJsonFile } from "../processes/json-file.ts";
import { metricSchema, PHASES } from "./analysis.ts";

export const STRATEGIES = ["canary", "blue-green"] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const stepSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("setWeight"), weight: z.number().int().min(0).max(100) }),
  /** Without `ms`: until promoted. */
  z.object({ kind: z.literal("pause"), ms: z.number().int().min(0).optional() }),
  z.object({ kind: z.literal("analysis"), metrics: z.array(metricSchema).min(1) }),
]);
export type RolloutStep = z.infer<typeof stepSchema>;

export const releaseSpecSchema = z.object({
  version: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,40}$/, "lower-case letters, digits, '.', '_', '-'"),
  /** Share of catalog.product reads this release fails (a demo fault). */
  productReadFaultRate: z.number().min(0).max(1).default(0),
  /** Migrations (file names without .sql) this release needs applied before it may run. */
  requiresMigrations: z.array(z.string()).default([]),
});
export type ReleaseSpec = z.infer<typeof releaseSpecSchema>;

const measurementSchema = z.object({
  at: z.string(),
  value: z.number().nullable(),
  /** Calls the value is computed from (per version, in this interval). */
  requests: z.number(),
  phase: z.enum(["Successful", "Failed", "Inconclusive", "Error"]),
  message: z.string().optional(),
});
export const analysisRunSchema = z.object({
  step: z.number().int(),
  /** Which version it measured (the canary, or blue-green's preview). */
  version: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  phase: z.enum(PHASES),
  metrics: z.array(
    z.object({
      name: z.string(),
      condition: z.string(),
      phase: z.enum(PHASES),
      reason: z.string(),
      measurements: z.array(measurementSchema),
    }),
  ),
});
export type AnalysisRunView = z.infer<typeof analysisRunSchema>;

export const ROLLOUT_PHASES = ["Progressing", "Paused", "Healthy", "Degraded"] as const;
export const rolloutStateSchema = z.object({
  id: z.string(),
  strategy: z.enum(STRATEGIES),
  stable: releaseSpecSchema,
  next: releaseSpecSchema,
  /** Argo's phases: Progressing, Paused (waiting for a person), Healthy (done), Degraded (aborted). */
  phase: z.enum(ROLLOUT_PHASES),
  message: z.string(),
  steps: z.array(stepSchema),
  stepIndex: z.number().int(),
  /** Traffic share of the new version now, in percent. */
  canaryWeight: z.number().int().min(0).max(100),
  instances: z.array(z.object({ name: z.string(), version: z.string(), port: z.number().int(), role: z.enum(["stable", "canary"]) })),
  analysisRuns: z.array(analysisRunSchema),
  events: z.array(z.object({ at: z.string(), message: z.string() })),
  controllerPid: z.number().int(),
  startedAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
  /** From the decision to abort to all weight back on stable (ms). */
  rollbackMs: z.number().optional(),
});
export type RolloutState = z.infer<typeof rolloutStateSchema>;

export const ROLLOUT_REQUESTS = ["promote", "abort", "rollback"] as const;
export type RolloutRequest = (typeof ROLLOUT_REQUESTS)[number];
const requestSchema = z.object({ action: z.enum(ROLLOUT_REQUESTS), rolloutId: z.string(), at: z.string(), by: z.string().optional() });

/** The split the gateway applies: instances of `canaryVersion` get `canaryWeight` % of requests. */
export const trafficSplitSchema = z.object({
  stableVersion: z.string(),
  canaryVersion: z.string().optional(),
  canaryWeight: z.number().int().min(0).max(100),
});
export type TrafficSplit = z.infer<typeof trafficSplitSchema>;

export const rolloutStateFile = (stateDir: string): string => join(stateDir, "rollout.json");
const requestFile = (stateDir: string): string => join(stateDir, "rollout-request.json");
export const trafficSplitFile = (stateDir: string): string => join(stateDir, "traffic.json");


function readJson<T>(file: string, schema: z.ZodType<T>): T | undefined {
  if (!existsSync(file)) return undefined;
  return schema.parse(JSON.parse(readFileSync(file, "utf8")));
}

export const readRolloutState = (stateDir: string): RolloutState | undefined => readJson(rolloutStateFile(stateDir), rolloutStateSchema);
export const writeRolloutState = (stateDir: string, s: RolloutState): void => writeJsonFile(rolloutStateFile(stateDir), s);
export const readTrafficSplit = (stateDir: string): TrafficSplit | undefined => readJson(trafficSplitFile(stateDir), trafficSplitSchema);
export const writeTrafficSplit = (stateDir: string, s: TrafficSplit): void => writeJsonFile(trafficSplitFile(stateDir), s);

export class RolloutRequestError extends Error {
  readonly code = "ROLLOUT_REQUEST_REFUSED";
}

/** An operator's request to the running controller of rollout `rolloutId`. */
export function requestRolloutAction(stateDir: string, rolloutId: string, action: RolloutRequest, by?: string): void {
  const s = readRolloutState(stateDir);
  if (!s || s.id !== rolloutId) throw new RolloutRequestError(`no rollout ${rolloutId}`);
  if (s.finishedAt && action !== "rollback") throw new RolloutRequestError(`rollout ${rolloutId} is finished (${s.phase})`);
  writeJsonFile(requestFile(stateDir), { action, rolloutId, at: new Date().toISOString(), by });
}

/** The pending request for `rolloutId`, removed as it is taken. */
export function takeRolloutRequest(stateDir: string, rolloutId: string): RolloutRequest | undefined {
  const r = readJson(requestFile(stateDir), requestSchema);
  if (!r) return undefined;
  rmSync(requestFile(stateDir), { force: true });
  return r.rolloutId === rolloutId ? r.action : undefined;
}
