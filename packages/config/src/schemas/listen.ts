/** Where a server process listens and what it calls itself. */
import { z } from "zod";
import { port } from "./primitives.ts";

export const runtimeSchema = z.object({
  /** development | test | production (production will refuse development secrets). */
  AGORA_ENV: z.enum(["development", "test", "production"]).default("development"),
  /** Name in traces and logs: storefront-1, workers-sagas, … */
  AGORA_SERVICE_NAME: z.string().min(1).optional(),
});

export const listenSchema = runtimeSchema.extend({
  HOST: z.string({ message: "required (listen address, e.g. 127.0.0.1 or 0.0.0.0)" }).min(1),
  PORT: port,
});

/** Worker processes: the /metrics, /healthz, /readyz port (unset: no ops endpoint). */
export const metricsPortSchema = z.object({
  AGORA_METRICS_PORT: port.optional(),
});
