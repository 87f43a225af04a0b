import { PageHeader } from "@agora/ui";
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { OrderList } from "../../src/account/order-list.tsx";
import { PrivacyPanel } from "../../src/account/privacy-panel.tsx";
import { currentSession } from "../../src/auth/session.ts";
import { StoreShell } from "../../src/layout/store-shell.tsx";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const session = await currentSession();
  if (!session) redirect("/signin?callbackUrl=%2Faccount");
  return (
    <StoreShell>
      <PageHeader
        title={`Hello, ${session.name}`}
        description={
          <>
            {session.email} ·{" "}
            <a className="underline" href="/account/notifications">
              Notifications
            </a>
          </>
        }
      />
      <h2 className="mb-3 text-lg font-semibold">Your orders</h2>
      <OrderList />
      <PrivacyPanel />
    </StoreShell>
  );
}
