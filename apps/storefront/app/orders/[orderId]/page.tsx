import { PageHeader } from "@agora/ui";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentSession } from "../../../src/auth/session.ts";
import { StoreShell } from "../../../src/layout/store-shell.tsx";
import { OrderTracker } from "../../../src/orders/order-tracker.tsx";

export const metadata: Metadata = { title: "Order" };

export default async function OrderPage({ params }: { params: Promise<{ orderId: string }> }) {
  const { orderId } = await params;
  const session = await currentSession();
  if (!session) redirect(`/signin?callbackUrl=${encodeURIComponent(`/orders/${orderId}`)}`);
  return (
    <StoreShell>
      <PageHeader
        title="Your order"
        description={<span className="font-mono text-xs">{orderId}</span>}
      />
      <OrderTracker orderId={orderId} />
    </StoreShell>
  );
}
