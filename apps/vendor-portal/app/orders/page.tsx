import { hasPermission } from "@agora/api/permissions";
import { forbidden } from "next/navigation";
import { PageHeader } from "@agora/ui";
import { currentSession } from "../../src/auth/session.ts";
import { OrderList } from "../../src/orders/order-list.tsx";
import { VendorShell } from "../../src/shell/vendor-shell.tsx";

export const metadata = { title: "Orders" };

export default async function OrdersPage() {
  const session = await currentSession();
  if (!session || !hasPermission(session.roles, "vendor:orders:read")) forbidden();
  return (
    <VendorShell current="/orders">
      <PageHeader
        title="Orders"
        description="Your parcels of paid orders: accept, pack, ship, refund."
      />
      <OrderList />
    </VendorShell>
  );
}
