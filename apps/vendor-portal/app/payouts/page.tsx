import { hasPermission } from "@agora/api/permissions";
import { PageHeader } from "@agora/ui";
import { forbidden } from "next/navigation";
import { currentSession } from "../../src/auth/session.ts";
import { PayoutsPanel } from "../../src/payouts/payouts-panel.tsx";
import { VendorShell } from "../../src/shell/vendor-shell.tsx";

export const metadata = { title: "Payouts" };

export default async function PayoutsPage() {
  const session = await currentSession();
  // Money is the owner's: staff get HTTP 403 (and the procedures refuse them too).
  if (!session || !hasPermission(session.roles, "vendor:payouts")) forbidden();
  return (
    <VendorShell current="/payouts">
      <PageHeader
        title="Payouts"
        description="What the platform owes your shop, and every payout made to it."
      />
      <PayoutsPanel />
    </VendorShell>
  );
}
