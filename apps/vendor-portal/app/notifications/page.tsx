import { PageHeader } from "@agora/ui";
import Link from "next/link";
import { VendorInbox } from "../../src/notifications/vendor-inbox.tsx";
import { VendorShell } from "../../src/shell/vendor-shell.tsx";

export const metadata = { title: "Notifications" };

export default function NotificationsPage() {
  return (
    <VendorShell current="/notifications">
      <PageHeader
        title="Notifications"
        description={
          <Link href="/settings/notifications" className="underline">
            Choose what you hear about and where
          </Link>
        }
      />
      <VendorInbox />
    </VendorShell>
  );
}
