import { PageHeader } from "@agora/ui";
import { NotificationSettingsForm } from "../../../src/notifications/notification-settings-form.tsx";
import { VendorShell } from "../../../src/shell/vendor-shell.tsx";

export const metadata = { title: "Notification settings" };

/** Every member's own switches (owners and staff alike; payouts are offered to owners only). */
export default function NotificationSettingsPage() {
  return (
    <VendorShell current="/notifications">
      <PageHeader
        title="Notification settings"
        description="Per notice, by e-mail and in the portal. Everything is on until you switch it off."
      />
      <NotificationSettingsForm />
    </VendorShell>
  );
}
