/**
 * Starting a bulk CSV import: the upload is stored under the state folder by its content hash,
 * recorded in core `import_jobs` (unique per vendor and hash) and queued on `imports`. Uploading
 * the same file again reuses the row and re-runs it; the worker's upserts by SKU make that
 * change no row counts.
 */
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { core } from "@agora/db";
import { loadConfig, storageSchema } from "@agora/config";
import { createRedis } from "@agora/redis";
import { TRPCError } from "@trpc/server";
import { Queue } from "bullmq";
import { z } from "zod";
import { type AuditActor, recordAudit } from "../audit-log.ts";
import { IMPORTS_QUEUE, type ImportJobData } from "./import-contract.ts";

/** 10,000 rows of a wide catalog fit comfortably; a bigger file is a mistake, not an import. */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

let queue: Queue<ImportJobData> | undefined;
function importsQueue(): Queue<ImportJobData> {
  queue ??= new Queue<ImportJobData>(IMPORTS_QUEUE, {
    connection: createRedis({ maxRetriesPerRequest: null, connectionName: "api:imports:producer" }),
  });
  return queue;
}

/** Where uploads live: `<stateDir>/imports/<vendorId>/<sha256>.csv`. */
export function importsDir(vendorId: string): string {
  return join(loadConfig(storageSchema).AGORA_STORAGE_DIR, "imports", vendorId);
}

export interface StartedImport {
  importId: string;
  /** True when this exact file had been uploaded before (the job re-runs, idempotently). */
  reused: boolean;
}

export async function startImport(
  actor: AuditActor,
  file: { name: string; bytes: Uint8Array },
): Promise<StartedImport> {
  if (file.bytes.byteLength === 0)
    throw new TRPCError({ code: "BAD_REQUEST", message: "The file is empty." });
  if (file.bytes.byteLength > MAX_IMPORT_BYTES)
    throw new TRPCError({ code: "PAYLOAD_TOO_LARGE", message: "The file is larger than 20 MB." });
  const fileName = z.string().trim().min(1).max(200).catch("import.csv").parse(file.name);
  const hash = createHash("sha256").update(file.bytes).digest("hex");
  const dir = importsDir(actor.vendorId);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${hash}.csv`);
  await writeFile(path, file.bytes);
  const db = core().primary;
  const existing = await db.importJob.findUnique({
    where: { vendorId_fileHash: { vendorId: actor.vendorId, fileHash: hash } },
    select: { id: true },
  });
  const job = existing
    ? await db.importJob.update({
        where: { id: existing.id },
        data: {
          status: "queued",
          processedRows: 0,
          errorRows: 0,
          errors: [],
          failure: null,
          fileName,
        },
        select: { id: true },
      })
    : await db.importJob.create({
        data: {
          vendorId: actor.vendorId,
          actorUserId: z.uuid().safeParse(actor.userId).success ? actor.userId : null,
          fileName,
          fileHash: hash,
          filePath: path,
        },
        select: { id: true },
      });
  // A fresh BullMQ id per run: the same id would be ignored while the previous run's job is kept.
  await importsQueue().add(
    "import",
    { importId: job.id, vendorId: actor.vendorId },
    {
      jobId: `${job.id}-${Date.now()}`,
      attempts: 3,
      backoff: { type: "exponential", delay: 2000 },
      removeOnComplete: 100,
      removeOnFail: 100,
    },
  );
  await recordAudit(actor, {
    action: existing ? "import.rerun" : "import.start",
    targetType: "import_job",
    targetId: job.id,
    details: { fileName, fileHash: hash, bytes: file.bytes.byteLength },
  });
  return { importId: job.id, reused: existing !== null };
}
