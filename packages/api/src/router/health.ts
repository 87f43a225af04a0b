import { z } from "zod";
import { createTRPCRouter, publicProcedure } from "../trpc.ts";
import { checkReadiness } from "../health/readiness.ts";

export const healthRouter = createTRPCRouter({
  /** Liveness: answers without touching any dependency. */
  ping: publicProcedure
    .input(z.object({ echo: z.string().max(200).optional() }).optional())
    .query(({ input }) => ({ ok: true as const, echo: input?.echo ?? null, at: new Date() })),

  /** Readiness: can this instance serve data? Used by `/readyz` and the load balancer. */
  ready: publicProcedure
    .input(z.object({ timeoutMs: z.number().int().min(50).max(10_000).default(1_500) }).optional())
    .query(({ input }) => checkReadiness({ timeoutMs: input?.timeoutMs ?? 1_500 })),
});
