import { hasPermission } from "@agora/api/permissions";
import { forbidden } from "next/navigation";
import { PageHeader } from "@agora/ui";
import { currentSession } from "../../../src/auth/session.ts";
import { OrderDetail } from "../../../src/orders/order-detail.tsx";
import { VendorShell } from "../../../src/shell/vendor-shell.tsx";

export const metadata = { title: "Order" };

export default async function OrderPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await currentSession();
  if (!session || !hasPermission(session.roles, "vendor:orders:read")) forbidden();
  return (
    <VendorShell current="/orders">
      <PageHeader title={`Order ${id.slice(0, 8)}`} />
      {/* Refunds and cancels are the owner's; the procedures refuse staff as well. */}
      <OrderDetail orderId={id} canRefund={hasPermission(session.roles, "vendor:orders:refund")} />
    </VendorShell>
  );
}
