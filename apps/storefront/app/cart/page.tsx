import { PageHeader } from "@agora/ui";
import type { Metadata } from "next";
import { CartView } from "../../src/cart/cart-view.tsx";
import { StoreShell } from "../../src/layout/store-shell.tsx";

export const metadata: Metadata = { title: "Cart" };

export default function CartPage() {
  return (
    <StoreShell>
      <PageHeader title="Your cart" description="Each vendor ships its own parcel." />
      <CartView />
    </StoreShell>
  );
}
