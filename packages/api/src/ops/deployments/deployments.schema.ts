/** Inputs of the Deployments procedures and the rollout as the console shows it. */
import { z } from "zod";

export const startRolloutInput = z.object({
  strategy: z.enum(["canary", "blue-green"]),
  version: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,40}$/, "lower-case letters, digits, '.', '_', '-'"),
  /** The demo fault: share of product reads the new release fails. */
  productReadFaultRate: z.number().min(0).max(1).default(0),
});
export type StartRolloutInput = z.infer<typeof startRolloutInput>;

export const rolloutActionInput = z.object({
  rolloutId: z.string().min(1).max(80),
  action: z.enum(["promote", "abort", "rollback"]),
});
export type RolloutActionInput = z.infer<typeof rolloutActionInput>;

/** What a deployment's backend reports about its last rollout (infra/local/src/rollout/rollout-state.ts). */
export interface RolloutView {
  id: string;
  strategy: "canary" | "blue-green";
  stable: { version: string; productReadFaultRate: number };
  next: { version: string; productReadFaultRate: number };
  phase: "Progressing" | "Paused" | "Healthy" | "Degraded";
  message: string;
  steps: ({ kind: "setWeight"; weight: number } | { kind: "pause"; ms?: number } | { kind: "analysis"; metrics: { name: string }[] })[];
  stepIndex: number;
  canaryWeight: number;
  instances: { name: string; version: string; port: number; role: "stable" | "canary" }[];
  analysisRuns: {
    step: number;
    version: string;
    startedAt: string;
    finishedAt?: string;
    phase: string;
    metrics: {
      name: string;
      condition: string;
      phase: string;
      reason: string;
      measurements: { at: string; value: number | null; requests: number; phase: string; message?: string }[];
    }[];
  }[];
  events: { at: string; message: string }[];
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  rollbackMs?: number;
  /** Whether the job that runs it is alive (a stopped job's rollout cannot take requests). */
  running: boolean;
}
