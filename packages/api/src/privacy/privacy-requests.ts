/** A shopper's own privacy requests (progress for the account page) and the export file itself. */
import { readFile } from "node:fs/promises";
import { loadConfig, storageSchema } from "@agora/config";
import { core } from "@agora/db";
import { exportFilePath } from "./privacy-contract.ts";
import type { PrivacyRequestView } from "./privacy.schema.ts";

export const downloadPathOf = (requestId: string) => `/account/data-export/${requestId}`;

/** The newest requests of the user, newest first (the storefront shows the latest of each kind). */
export async function listPrivacyRequests(userId: string): Promise<PrivacyRequestView[]> {
  const rows = await core().primary.privacyRequest.findMany({
    where: { userId },
    orderBy: { createdAt: "desc" },
    take: 10,
  });
  const now = Date.now();
  return rows.map((r) => ({
    requestId: r.id,
    kind: r.kind === "erasure" ? "erasure" : "export",
    status: r.status,
    step: r.step,
    progress: r.progress,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt,
    expiresAt: r.expiresAt,
    downloadPath:
      r.kind === "export" && r.status === "done" && r.expiresAt && r.expiresAt.getTime() > now
        ? downloadPathOf(r.id)
        : null,
  }));
}

/**
 * The export file, only for its owner and only until it expires; null otherwise (the route answers
 * 404 whether the request is someone else's, expired or unknown).
 */
export async function readExportFile(userId: string, requestId: string): Promise<Buffer | null> {
  if (!/^[0-9a-f-]{36}$/.test(requestId)) return null;
  const row = await core().primary.privacyRequest.findFirst({
    where: { id: requestId, userId, kind: "export", status: "done", expiresAt: { gt: new Date() } },
    select: { id: true },
  });
  if (!row) return null;
  const storage = loadConfig(storageSchema).AGORA_STORAGE_DIR;
  return readFile(exportFilePath(storage, userId, requestId)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return null;
    throw err;
  });
}
