/**
 * The effect of one order event, run inside `consumeOnce` (same core transaction as the dedupe
 * row): the shopper's inbox row and one delivery row per channel. (Vendors' "new order" notices
 * are the vendor-notices consumer's, by each vendor user's settings: vendor-notices/.) Jobs are
 * enqueued only after commit (see notification-service.ts), so a rolled-back effect never leaves
 * a job pointing at nothing.
 */
import { openEmail, openUserName } from "@agora/secrets";
import type { RawTx } from "../outbox/fencing.ts";
import type { OutboxMessage } from "../outbox/outbox-message.ts";
import { CHANNELS, type Channel, type DeliveryJob } from "./channels.ts";
import { type Notice, orderEventPayloadSchema, shopperNotice } from "./order-notice.ts";

export interface Recipient {
  id: string;
  email: string;
  name: string;
  phone: string | null;
}

/** Where each channel delivers to; users have no device tokens yet, so push targets the user id. */
export function address(user: Recipient, channel: Channel): string {
  if (channel === "email") return user.email;
  if (channel === "sms") return user.phone ?? `user:${user.id}`;
  return `user:${user.id}`;
}

export class InvalidOrderEventError extends Error {
  readonly code = "INVALID_ORDER_EVENT";
  constructor(messageId: string, detail: string) {
    super(`outbox message ${messageId} is not an order event: ${detail}`);
    this.name = "InvalidOrderEventError";
  }
}

/** One inbox row (deduped per message, user and kind) and its deliveries on `channels`. */
export async function insertNotice(
  tx: RawTx,
  messageId: string,
  orderId: string | null,
  user: Recipient,
  notice: Notice,
  channels: readonly Channel[],
): Promise<DeliveryJob[]> {
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `INSERT INTO notifications (user_id, kind, title, body, order_id, link, source_message_id)
     VALUES ($1::uuid, $2, $3, $4, $5::uuid, $6, $7)
     ON CONFLICT (source_message_id, user_id, kind) DO NOTHING
     RETURNING id`,
    user.id,
    notice.kind,
    notice.title,
    notice.body,
    orderId,
    notice.link,
    messageId,
  );
  const notificationId = rows[0]?.id;
  if (!notificationId) return [];
  const jobs: DeliveryJob[] = [];
  for (const channel of channels) {
    const subject = channel === "sms" ? "" : notice.title;
    const body = channel === "sms" ? `${notice.title}: ${notice.body}` : notice.body;
    const d = await tx.$queryRawUnsafe<{ id: string }[]>(
      `INSERT INTO notification_deliveries (notification_id, channel, recipient, subject, body)
       VALUES ($1::uuid, $2, $3, $4, $5) RETURNING id`,
      notificationId,
      channel,
      address(user, channel),
      subject,
      body,
    );
    const deliveryId = d[0]?.id;
    if (deliveryId) jobs.push({ deliveryId, channel });
  }
  return jobs;
}

export const RECIPIENT_COLUMNS = `u.id::text AS id, u.email, u.email_sealed AS "emailSealed",
  u.data_key AS "dataKey", u.name, u.name_sealed AS "nameSealed", u.pii->>'phone' AS phone`;

/** A row selected with RECIPIENT_COLUMNS: the address still sealed (or plaintext on an old row). */
export type StoredRecipient = Omit<Recipient, "email" | "name"> & {
  email: string | null;
  name: string | null;
  nameSealed: string | null;
  emailSealed: string | null;
  dataKey: string | null;
};

/** Opens the recipient's sealed address (the delivery needs it in the clear). */
export async function openRecipient<R extends StoredRecipient>(
  row: R,
): Promise<Omit<R, "email" | "emailSealed" | "dataKey" | "name" | "nameSealed"> & Recipient> {
  const { emailSealed: _sealed, dataKey: _key, email: _email, nameSealed: _nameSealed, name: _name, ...rest } = row;
  return { ...rest, id: row.id, name: await openUserName(row), phone: row.phone, email: await openEmail("users", row) };
}

/** Writes the notices of one order event; returns the delivery jobs to enqueue after commit. */
export async function recordOrderNotifications(
  tx: RawTx,
  message: Pick<OutboxMessage, "messageId" | "eventType" | "payload">,
): Promise<DeliveryJob[]> {
  const parsed = orderEventPayloadSchema.safeParse(message.payload);
  if (!parsed.success) {
    throw new InvalidOrderEventError(message.messageId, parsed.error.issues[0]?.message ?? "");
  }
  const p = parsed.data;
  const jobs: DeliveryJob[] = [];
  const forShopper = shopperNotice(message.eventType, p);
  if (forShopper) {
    const users = await tx.$queryRawUnsafe<StoredRecipient[]>(
      `SELECT ${RECIPIENT_COLUMNS} FROM users u WHERE u.id = $1::uuid AND u.erased_at IS NULL`,
      p.userId,
    );
    // A user erased since the order was placed gets no notice; the dedupe row still commits.
    const user = users[0] && (await openRecipient(users[0]));
    if (user)
      jobs.push(
        ...(await insertNotice(tx, message.messageId, p.orderId, user, forShopper, CHANNELS)),
      );
  }
  return jobs;
}

/** Deliveries of a message not yet sent nor dead: re-enqueued when the message comes again. */
export async function unfinishedDeliveries(tx: RawTx, messageId: string): Promise<DeliveryJob[]> {
  return tx.$queryRawUnsafe<DeliveryJob[]>(
    `SELECT d.id::text AS "deliveryId", d.channel FROM notification_deliveries d
     JOIN notifications n ON n.id = d.notification_id
     WHERE n.source_message_id = $1 AND d.status IN ('pending', 'retrying')`,
    messageId,
  );
}
