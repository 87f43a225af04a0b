/**
 * The console's certificate view: every TLS endpoint's certificate as the deployment's backend
 * reads it from a live handshake (not from files), with days left, and a rotation that issues new
 * server certificates and has every server reload them while connections stay open.
 */
import { TRPCError } from "@trpc/server";
import { type CertificateView, opsBackend } from "../backend.ts";
import { withTimeout } from "../../data-layer/timeout.ts";
import { core } from "@agora/db";

/** Below this many days left a certificate is flagged (rotation is due). */
export const EXPIRY_WARNING_DAYS = 30;

export interface CertificateRow extends CertificateView {
  daysLeft: number | null;
  /** ok, expiring (under EXPIRY_WARNING_DAYS), expired, or unreachable. */
  state: "ok" | "expiring" | "expired" | "unreachable";
}

export function certificateRow(view: CertificateView, now: Date): CertificateRow {
  if (!view.notAfter) return { ...view, daysLeft: null, state: "unreachable" };
  const daysLeft = Math.floor((Date.parse(view.notAfter) - now.getTime()) / 86_400_000);
  const state = daysLeft < 0 ? "expired" : daysLeft < EXPIRY_WARNING_DAYS ? "expiring" : "ok";
  return { ...view, daysLeft, state };
}

export async function certificateOverview(): Promise<{
  rows: CertificateRow[];
  available: boolean;
}> {
  const views = await withTimeout("certificate probe", 8_000, opsBackend().certificates());
  if (!views) return { rows: [], available: false };
  const now = new Date();
  return { rows: views.map((v) => certificateRow(v, now)), available: true };
}

export async function rotateCertificates(operatorId: string) {
  const backend = opsBackend();
  const rotation = await withTimeout(
    "certificate rotation",
    60_000,
    backend.rotateCertificates(),
  ).catch((err: unknown) => {
    throw new TRPCError({
      code: "INTERNAL_SERVER_ERROR",
      message: `certificate rotation failed: ${err instanceof Error ? err.message : String(err)}`,
    });
  });
  await core().primary.auditLog.create({
    data: {
      actorUserId: operatorId,
      action: "certificates.rotate",
      targetType: "tls_certificates",
      targetId: "servers",
      details: { rotated: rotation.rotated, reloaded: rotation.reloaded },
    },
  });
  return rotation;
}
