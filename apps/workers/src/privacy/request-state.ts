/** The durable state of one privacy request (`privacy_requests`): read it, record a step. */
import { core } from "@agora/db";

export interface PrivacyRequestRow {
  id: string;
  userId: string;
  kind: string;
  status: string;
  step: string | null;
}

export class PrivacyRequestNotFoundError extends Error {
  readonly code = "PRIVACY_REQUEST_NOT_FOUND";
  readonly retryable = false;
  constructor(requestId: string) {
    super(`no privacy request ${requestId}`);
    this.name = "PrivacyRequestNotFoundError";
  }
}

export async function loadRequest(requestId: string, kind: "export" | "erasure"): Promise<PrivacyRequestRow> {
  const row = await core().primary.privacyRequest.findFirst({
    where: { id: requestId, kind },
    select: { id: true, userId: true, kind: true, status: true, step: true },
  });
  if (!row) throw new PrivacyRequestNotFoundError(requestId);
  return row;
}

export async function recordStep(
  requestId: string,
  change: { step?: string; progress: number; status?: string; error?: string | null },
): Promise<void> {
  const finished = change.status === "done" || change.status === "failed";
  await core().primary.privacyRequest.update({
    where: { id: requestId },
    data: {
      ...(change.step !== undefined ? { step: change.step } : {}),
      progress: change.progress,
      status: change.status ?? "running",
      ...(change.error !== undefined ? { error: change.error } : {}),
      ...(finished ? { finishedAt: new Date() } : {}),
    },
  });
}
