/**
 * The checkout line for the ops console: orders in flight against the adaptive limit, shoppers
 * waiting, the average time from admission to the end of a saga against its target, and what
 * the control has done (admitted, refused, leases expired, shoppers who left the line, cuts).
 */
import type { AdmissionState } from "@agora/orders";
import { checkoutAdmission } from "../../checkout/admission.ts";

export type AdmissionOverview =
  | { enabled: false; at: number }
  | ({ enabled: true; at: number; targetMs: number; minLimit: number; maxLimit: number } & AdmissionState);

export async function admissionOverview(): Promise<AdmissionOverview> {
  const control = checkoutAdmission();
  if (!control) return { enabled: false, at: Date.now() };
  const { settings } = control;
  return {
    enabled: true,
    at: Date.now(),
    targetMs: settings.targetMs,
    minLimit: settings.minLimit,
    maxLimit: settings.maxLimit,
    ...(await control.state()),
  };
}
