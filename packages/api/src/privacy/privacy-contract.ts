/**
 * The privacy jobs (a shopper's data export, account erasure) run on the maintenance pool's queue:
 * the API writes the `privacy_requests` row and enqueues; the worker does the steps and records
 * its progress on the row, which the storefront polls.
 */
import { join } from "node:path";
import { z } from "zod";
import { MAINTENANCE_QUEUE } from "../ops/keys/key-job-contract.ts";

export { MAINTENANCE_QUEUE };
export const PRIVACY_EXPORT_JOB = "privacy-export";
export const PRIVACY_ERASURE_JOB = "privacy-erasure";
/** Scheduled: deletes expired export files, re-runs requests whose job was lost. */
export const PRIVACY_SWEEP_JOB = "privacy-sweep";

export const privacyJobSchema = z.object({ requestId: z.uuid() });
export type PrivacyJob = z.infer<typeof privacyJobSchema>;

/** How long a finished export can be downloaded before its file is deleted. */
export const EXPORT_TTL_MS = 24 * 60 * 60 * 1000;

export type PrivacyRequestKind = "export" | "erasure";
export type PrivacyRequestStatus = "queued" | "running" | "done" | "failed" | "expired";

/** The export files live under the storage folder, one folder per user (0700), one file per request. */
export function exportFilePath(storageDir: string, userId: string, requestId: string): string {
  return join(storageDir, "privacy-exports", userId, `${requestId}.json`);
}
export function exportFolder(storageDir: string, userId: string): string {
  return join(storageDir, "privacy-exports", userId);
}
