import { EmptyState, PageHeader } from "@agora/ui";
import type { Metadata } from "next";
import { currentSession } from "../../src/auth/session.ts";
import { StoreShell } from "../../src/layout/store-shell.tsx";
import { CheckoutForm } from "../../src/checkout/checkout-form.tsx";

export const metadata: Metadata = { title: "Checkout" };

export default async function CheckoutPage() {
  const session = await currentSession();
  return (
    <StoreShell>
      <PageHeader title="Checkout" description="One payment; each vendor ships its own parcel." />
      {session ? (
        <CheckoutForm />
      ) : (
        // The guest cart is kept and merges into the account's cart at sign-in.
        <EmptyState
          title="Sign in to check out"
          description={
            <p>
              Your cart is kept.{" "}
              <a className="font-medium underline" href="/signin?callbackUrl=%2Fcheckout">
                Sign in
              </a>{" "}
              or{" "}
              <a className="font-medium underline" href="/signup?callbackUrl=%2Fcheckout">
                create an account
              </a>
              .
            </p>
          }
        />
      )}
    </StoreShell>
  );
}
