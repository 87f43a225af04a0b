import type { BadgeTone } from "@agora/ui";

/** How a parcel's fulfilment status reads in the portal. */
export const PARCEL_STATUS: Record<string, { label: string; tone: BadgeTone }> = {
  AWAITING: { label: "New", tone: "brand" },
  ACCEPTED: { label: "Accepted", tone: "neutral" },
  PACKED: { label: "Packed", tone: "neutral" },
  SHIPPED: { label: "Shipped", tone: "warning" },
  DELIVERED: { label: "Delivered", tone: "success" },
  CANCELLED: { label: "Cancelled", tone: "danger" },
};

export const parcelStatus = (s: string) =>
  PARCEL_STATUS[s] ?? { label: s, tone: "neutral" as const };

/** Carrier statuses as words. */
export const carrierLabel = (s: string | null) => (s ? s.replaceAll("_", " ") : "—");
