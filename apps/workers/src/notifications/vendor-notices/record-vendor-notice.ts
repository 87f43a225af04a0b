/**
 * Writes one vendor notice for every member of a shop who hears about its kind, by each user's
 * switches (`vendor_notification_settings`, no row = on): in-app → an inbox row; e-mail → a
 * delivery (attached to the inbox row, or on its own when in-app is off). Runs inside the
 * consumer's core transaction; returns the deliveries to enqueue after commit.
 */
import type { VendorNoticeKind } from "@agora/api/vendor-notices";
import type { RawTx } from "../../outbox/fencing.ts";
import type { DeliveryJob } from "../channels.ts";
import type { Notice } from "../order-notice.ts";
import {
  address,
  insertNotice,
  openRecipient,
  RECIPIENT_COLUMNS,
  type StoredRecipient,
} from "../record-notification.ts";

type VendorRecipient = StoredRecipient & {
  email_on: boolean;
  in_app_on: boolean;
};

export interface VendorNoticeTarget {
  messageId: string;
  vendorId: string;
  kind: VendorNoticeKind;
  notice: Notice;
  orderId?: string | null;
  /** Payouts are the owner's business; orders and stock concern every member. */
  roles: readonly ("vendor_owner" | "vendor_staff")[];
}

export async function recordVendorNotice(
  tx: RawTx,
  target: VendorNoticeTarget,
): Promise<DeliveryJob[]> {
  const recipients = await tx.$queryRawUnsafe<VendorRecipient[]>(
    `SELECT ${RECIPIENT_COLUMNS},
            coalesce(bool_and(s.enabled) FILTER (WHERE s.channel = 'email'), true) AS email_on,
            coalesce(bool_and(s.enabled) FILTER (WHERE s.channel = 'in_app'), true) AS in_app_on
       FROM user_roles r
       JOIN users u ON u.id = r.user_id
       LEFT JOIN vendor_notification_settings s
              ON s.vendor_id = r.vendor_id AND s.user_id = u.id AND s.kind = $2
      WHERE r.vendor_id = $1::uuid AND r.role_name = ANY($3::text[])
      GROUP BY u.id`,
    target.vendorId,
    target.kind,
    [...target.roles],
  );
  const jobs: DeliveryJob[] = [];
  for (const stored of recipients) {
    const user = await openRecipient(stored);
    if (user.in_app_on) {
      jobs.push(
        ...(await insertNotice(
          tx,
          target.messageId,
          target.orderId ?? null,
          user,
          target.notice,
          user.email_on ? ["email"] : [],
        )),
      );
    } else if (user.email_on) {
      const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
        `INSERT INTO notification_deliveries (channel, recipient, subject, body, source_key)
         VALUES ('email', $1, $2, $3, $4)
         ON CONFLICT (source_key) DO NOTHING RETURNING id::text`,
        address(user, "email"),
        target.notice.title,
        target.notice.body,
        `${target.messageId}:${user.id}:${target.notice.kind}`,
      );
      const deliveryId = rows[0]?.id;
      if (deliveryId) jobs.push({ deliveryId, channel: "email" });
    }
  }
  return jobs;
}
