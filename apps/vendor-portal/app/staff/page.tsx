import { hasPermission } from "@agora/api/permissions";
import { PageHeader } from "@agora/ui";
import { forbidden } from "next/navigation";
import { currentSession } from "../../src/auth/session.ts";
import { VendorShell } from "../../src/shell/vendor-shell.tsx";
import { StaffBoard } from "../../src/staff/staff-board.tsx";

export const metadata = { title: "Staff" };

export default async function StaffPage() {
  const session = await currentSession();
  // People are the owner's business: staff get HTTP 403 here (the procedures refuse them too).
  if (!session || !hasPermission(session.roles, "vendor:staff:manage")) forbidden();
  return (
    <VendorShell current="/staff">
      <PageHeader
        title="Staff"
        description="Who works in your shop. Removing someone ends their sessions at once."
      />
      <StaffBoard selfUserId={session.userId} />
    </VendorShell>
  );
}
