/**
 * `@agora/api/vendor-notices`: the contracts the notifications worker shares with the API — the
 * notice kinds and channels a vendor user switches in `vendor.notificationSettings`, and the
 * `StaffInvited` outbox event whose e-mail the worker hands to the e-mail channel.
 */
export {
  VENDOR_NOTICE_CHANNELS,
  VENDOR_NOTICE_KINDS,
  type VendorNoticeChannel,
  type VendorNoticeKind,
} from "./notification-settings.schema.ts";
export {
  STAFF_INVITED,
  STAFF_TOPIC,
  staffInvitedSchema,
  type StaffInvited,
} from "./staff/staff-events.ts";
