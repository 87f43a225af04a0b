import { hasPermission } from "@agora/api/permissions";
import { Card, EmptyState, PageHeader } from "@agora/ui";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { currentSession } from "../../src/auth/session.ts";
import { VendorShell } from "../../src/shell/vendor-shell.tsx";
import { api, orUnavailable } from "../../src/trpc/server.tsx";

export const metadata = { title: "Settings" };

export default async function SettingsPage() {
  const session = await currentSession();
  // Staff never reach the procedure: the page answers 403 (vendor:settings is the owner's).
  if (!session || !hasPermission(session.roles, "vendor:settings")) forbidden();
  const settings = await orUnavailable((await api()).vendor.settings.get());
  return (
    <VendorShell current="/settings">
      <PageHeader
        title="Settings"
        description={
          <span className="flex flex-wrap gap-3">
            <Link href="/settings/notifications" className="underline">Notification settings</Link>
            <Link href="/settings/api-keys" className="underline">API keys</Link>
          </span>
        }
      />
      {settings.ok ? (
        <Card title={settings.data.profile.name}>
          <dl className="grid grid-cols-2 gap-2 text-sm">
            <dt>Slug</dt><dd>{settings.data.profile.slug}</dd>
            <dt>Status</dt><dd>{settings.data.profile.status}</dd>
            <dt>Shard</dt><dd>{settings.data.profile.shard ?? "—"}</dd>
            <dt>Warehouses</dt><dd>{settings.data.warehouses}</dd>
            <dt>Products</dt><dd>{settings.data.products}</dd>
          </dl>
        </Card>
      ) : (
        <EmptyState tone="error" title="Settings unavailable" description={settings.reason} />
      )}
    </VendorShell>
  );
}
