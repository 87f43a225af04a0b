/**
 * `vendor.notificationSettings`: the caller's own switches per notice kind × channel in this
 * shop. No row means on; payout notices go to owners only, so staff are not offered them.
 */
import { core } from "@agora/db";
import { hasPermission } from "../auth/permissions.ts";
import type { Session } from "../trpc.ts";
import { type AuditActor, recordAudit } from "./audit-log.ts";
import {
  type SetNotificationSettingInput,
  VENDOR_NOTICE_CHANNELS,
  VENDOR_NOTICE_KINDS,
  type VendorNoticeChannel,
  type VendorNoticeKind,
} from "./notification-settings.schema.ts";

export interface NotificationSettingsView {
  kinds: VendorNoticeKind[];
  channels: readonly VendorNoticeChannel[];
  enabled: Record<VendorNoticeKind, Record<VendorNoticeChannel, boolean>>;
}

/** The kinds a role hears about: payouts are money, which is the owner's. */
export function noticeKindsFor(roles: Session["roles"]): VendorNoticeKind[] {
  return VENDOR_NOTICE_KINDS.filter(
    (k) => k !== "payout" || hasPermission(roles, "vendor:payouts"),
  );
}

export async function getNotificationSettings(
  session: Pick<Session, "userId" | "roles">,
  vendorId: string,
): Promise<NotificationSettingsView> {
  const rows = await core().primary.vendorNotificationSetting.findMany({
    where: { vendorId, userId: session.userId },
    select: { kind: true, channel: true, enabled: true },
  });
  const enabled = Object.fromEntries(
    VENDOR_NOTICE_KINDS.map((k) => [k, { email: true, in_app: true }]),
  ) as NotificationSettingsView["enabled"];
  for (const r of rows) {
    const kind = r.kind as VendorNoticeKind;
    const channel = r.channel as VendorNoticeChannel;
    if (enabled[kind] && channel in enabled[kind]) enabled[kind][channel] = r.enabled;
  }
  return { kinds: noticeKindsFor(session.roles), channels: VENDOR_NOTICE_CHANNELS, enabled };
}

export async function setNotificationSetting(
  actor: AuditActor,
  input: SetNotificationSettingInput,
): Promise<SetNotificationSettingInput> {
  await core().primary.$transaction(async (tx) => {
    const key = {
      vendorId: actor.vendorId,
      userId: actor.userId,
      kind: input.kind,
      channel: input.channel,
    };
    await tx.vendorNotificationSetting.upsert({
      where: { vendorId_userId_kind_channel: key },
      create: { ...key, enabled: input.enabled },
      update: { enabled: input.enabled },
    });
    await recordAudit(
      actor,
      {
        action: "notifications.setting",
        targetType: "user",
        targetId: actor.userId,
        after: { kind: input.kind, channel: input.channel, enabled: input.enabled },
      },
      tx,
    );
  });
  return input;
}
