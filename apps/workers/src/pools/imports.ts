/**
 * The `imports` pool: bulk CSV imports from the vendor portal. Its own process and a concurrency
 * of 1 (AGORA_IMPORTS_CONCURRENCY): a 10,000-row file holds shard connections for a while, and
 * that must never slow down checkout sagas or the outbox relay (bulkhead).
 */
import { z } from "zod";
import { loadConfig } from "@agora/config";
import { IMPORTS_QUEUE, importJobDataSchema } from "@agora/api/imports";
import { ImportFileError, processImport } from "../imports/import-processor.ts";
import type { PoolSpec } from "./run-pool.ts";
import { UnrecoverableError } from "bullmq";

const envSchema = z.object({
  AGORA_IMPORTS_CONCURRENCY: z.coerce.number().int().positive().max(8).default(1),
});

export function importsPool(): PoolSpec {
  const env = loadConfig(envSchema);
  return {
    queue: IMPORTS_QUEUE,
    concurrency: env.AGORA_IMPORTS_CONCURRENCY,
    processor: async (job) => {
      const data = importJobDataSchema.parse(job.data);
      try {
        const r = await processImport(data, {
          onProgress: (p) => job.updateProgress(p.percent),
        });
        return { total: r.total, written: r.written, errors: r.errors.length };
      } catch (err) {
        // A malformed file stays malformed: retrying it would only repeat the failure.
        if (err instanceof ImportFileError) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
  };
}
