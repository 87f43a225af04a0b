import { AppShell, PageHeader } from "@agora/ui";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentSession } from "../../../src/auth/session.ts";
import { UserMenu } from "../../../src/auth/user-menu.tsx";
import { InboxList } from "../../../src/notifications/inbox-list.tsx";
import { UnreadBadge } from "../../../src/notifications/unread-badge.tsx";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage() {
  const session = await currentSession();
  if (!session) redirect(`/signin?callbackUrl=${encodeURIComponent("/account/notifications")}`);
  return (
    <AppShell
      title="Agora"
      subtitle="Marketplace"
      nav={[
        { href: "/", label: "Shop" },
        { href: "/account/notifications", label: "Notifications", current: true },
      ]}
      actions={
        <div className="flex items-center gap-2">
          <UnreadBadge />
          <UserMenu />
        </div>
      }
    >
      <PageHeader title="Notifications" description="Updates about your orders, newest first." />
      <InboxList />
    </AppShell>
  );
}
