import { EmptyState } from "@agora/ui";

/** What the cart and the checkout show when there is nothing to buy. */
export function EmptyCart() {
  return (
    <EmptyState
      title="Your cart is empty"
      description={
        <a className="underline" href="/">
          Continue shopping
        </a>
      }
    />
  );
}
