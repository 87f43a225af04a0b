import { z } from "zod";

/** What a vendor user can be told about, and where (apps/workers vendor-notices sends them). */
export const VENDOR_NOTICE_KINDS = ["new_order", "low_stock", "payout"] as const;
export const VENDOR_NOTICE_CHANNELS = ["email", "in_app"] as const;
export type VendorNoticeKind = (typeof VENDOR_NOTICE_KINDS)[number];
export type VendorNoticeChannel = (typeof VENDOR_NOTICE_CHANNELS)[number];

export const setNotificationSettingInput = z.object({
  kind: z.enum(VENDOR_NOTICE_KINDS),
  channel: z.enum(VENDOR_NOTICE_CHANNELS),
  enabled: z.boolean(),
});
export type SetNotificationSettingInput = z.infer<typeof setNotificationSettingInput>;
