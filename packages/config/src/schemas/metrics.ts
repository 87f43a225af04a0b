/** Ops console only: the /metrics endpoints it scrapes. */
import { z } from "zod";
import { commaList, httpUrl } from "./primitives.ts";

const target = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]*=\S+$/i, "must be name=url")
  .transform((v) => {
    const i = v.indexOf("=");
    return { name: v.slice(0, i), url: v.slice(i + 1) };
  })
  .pipe(z.object({ name: z.string(), url: httpUrl }));

export const metricsTargetsSchema = z.object({
  AGORA_METRICS_TARGETS: commaList(target),
});
