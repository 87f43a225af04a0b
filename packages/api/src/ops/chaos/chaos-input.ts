import { z } from "zod";

const nodeName = z
  .string()
  .regex(/^[a-z0-9-]+$/)
  .max(60);

/** What an operator may inject; each kind has a one-click undo. */
export const chaosApplyInput = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("node"),
    target: nodeName,
    /** kill: SIGKILL, held down until undone; crash: SIGKILL the supervisor restarts (self-healing). */
    action: z.enum(["kill", "crash", "pause", "resume", "restart"]),
  }),
  z.object({
    kind: z.literal("provider"),
    /** Which simulated provider API: the payment provider, the carrier, or both. */
    target: z.enum(["payments", "carrier", "all"]),
    fault: z.object({
      latencyMs: z.number().int().min(0).max(60_000).default(0),
      errorRate: z.number().min(0).max(1).default(0),
      outage: z.boolean().default(false),
    }),
  }),
  z.object({
    kind: z.literal("db-link"),
    /** Cluster whose primary path (app → fault proxy → HAProxy) gets the fault. */
    target: nodeName,
    fault: z.object({
      latencyMs: z.number().int().min(0).max(30_000).default(0),
      dropRate: z.number().min(0).max(1).default(0),
      blackhole: z.boolean().default(false),
    }),
  }),
]);
export type ChaosApplyInput = z.infer<typeof chaosApplyInput>;

export const chaosUndoInput = z.object({ id: z.coerce.bigint().positive() });
