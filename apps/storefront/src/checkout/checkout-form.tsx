"use client";

import { EmptyCart } from "../cart/empty-cart.tsx";
import { EmptyState, FormError, formatPrice, SubmitButton } from "@agora/ui";
import { useTRPC } from "@agora/trpc-next/react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { busyRetry, type InLine, placeErrorMessage } from "./payment-messages.ts";
import { CardStepError, tokenizeCard } from "./tokenize-card.ts";

interface Attempt {
  /** One key per attempt: a double click or a retry after a network error reuses it (same order). */
  idempotencyKey: string;
  /** The card token of this attempt, so a retry does not tokenize (and change the request) again. */
  paymentMethodId: string | null;
}

const field =
  "mt-1 block min-h-11 w-full rounded-md border border-zinc-300 px-3 dark:border-zinc-700 dark:bg-zinc-900";

/** Address, shipping per vendor, the card step (hosted by the provider), and Place order. */
export function CheckoutForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const cart = useQuery(trpc.cart.get.queryOptions());
  const config = useQuery(trpc.checkout.paymentConfig.queryOptions());
  // While the payment breaker is open the page says so and waits; it re-enables by itself.
  const payments = useQuery({
    ...trpc.checkout.paymentsStatus.queryOptions(),
    refetchInterval: 3_000,
  });
  const paymentsDown = payments.data?.available === false;
  const place = useMutation(trpc.checkout.place.mutationOptions());
  const attempt = useRef<Attempt | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Checkout is busy (admission control): the shopper's place in line while the page retries.
  const [inLine, setInLine] = useState<InLine | null>(null);
  const stopWaiting = useRef(false);
  const [shipping, setShipping] = useState<Record<string, string>>({});
  const [address, setAddress] = useState({
    name: "",
    line1: "",
    city: "",
    postalCode: "",
    country: "DE",
  });
  const [card, setCard] = useState({ number: "", exp: "12/30", cvc: "" });

  // Changing what is being bought or how it is paid starts a new attempt (a new key).
  const newAttempt = () => {
    attempt.current = null;
  };

  if (cart.isPending || config.isPending)
    return <p className="text-sm text-zinc-500">Loading checkout…</p>;
  if (cart.isError || config.isError)
    return (
      <EmptyState
        tone="error"
        title="Checkout is unavailable right now"
        description="Please try again in a moment."
      />
    );
  if (cart.data.count === 0) return <EmptyCart />;

  const groups = cart.data.groups;
  const shippingOf = (vendorId: string) =>
    shipping[vendorId] ??
    groups.find((g) => g.vendorId === vendorId)?.shippingOptions[0]?.id ??
    "standard";
  const shippingCents = groups.reduce((sum, g) => {
    const opt = g.shippingOptions.find((o) => o.id === shippingOf(g.vendorId));
    return sum + (opt?.priceCents ?? 0);
  }, 0);

  async function submit() {
    if (busy || paymentsDown) return; // a double click while the first request runs
    setBusy(true);
    setError(null);
    try {
      attempt.current ??= { idempotencyKey: crypto.randomUUID(), paymentMethodId: null };
      const a = attempt.current;
      if (!a.paymentMethodId) {
        const [mm, yy] = card.exp.split("/").map((x) => Number(x.trim()));
        a.paymentMethodId = await tokenizeCard(config.data!.tokenizeUrl, {
          number: card.number.replace(/\s+/g, ""),
          expMonth: mm ?? 0,
          expYear: (yy ?? 0) < 100 ? 2000 + (yy ?? 0) : (yy ?? 0),
          cvc: card.cvc,
        });
      }
      const request = {
        idempotencyKey: a.idempotencyKey,
        address,
        shipping: Object.fromEntries(groups.map((g) => [g.vendorId, shippingOf(g.vendorId)])),
        paymentMethodId: a.paymentMethodId,
      };
      stopWaiting.current = false;
      let orderId: string | undefined;
      // The same key every time: the place in line, and at most one order, are the attempt's.
      while (orderId === undefined) {
        try {
          ({ orderId } = await place.mutateAsync(request));
        } catch (err) {
          const line = busyRetry(err);
          if (!line || stopWaiting.current) throw err;
          const until = Date.now() + line.retryAfterMs;
          for (let left = line.retryAfterMs; left > 0 && !stopWaiting.current; left = until - Date.now()) {
            setInLine({ ...line, retryAfterMs: left });
            await new Promise((r) => setTimeout(r, Math.min(1_000, left)));
          }
          setInLine({ ...line, retryAfterMs: 0 });
          if (stopWaiting.current) throw err;
        }
      }
      setInLine(null);
      router.push(`/orders/${orderId}`);
    } catch (err) {
      setInLine(null);
      if (err instanceof CardStepError) {
        // Nothing reached Agora: the next try may tokenize again under the same key.
        if (attempt.current) attempt.current.paymentMethodId = null;
        setError(err.message);
      } else {
        const e = err as { message: string; data?: { code?: string; domainCode?: string | null } };
        if (e.data?.domainCode === "IDEMPOTENCY_KEY_REUSED") newAttempt();
        setError(
          placeErrorMessage({
            message: e.message,
            code: e.data?.code,
            domainCode: e.data?.domainCode,
          }),
        );
      }
      setBusy(false);
    }
  }

  return (
    <form
      className="grid gap-8 lg:grid-cols-[1fr_20rem]"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="space-y-8">
        <fieldset className="space-y-3" onChange={newAttempt}>
          <legend className="mb-2 text-lg font-semibold">Delivery address</legend>
          {(
            [
              ["name", "Full name", "name"],
              ["line1", "Street and number", "address-line1"],
              ["city", "City", "address-level2"],
              ["postalCode", "Postal code", "postal-code"],
              ["country", "Country (2 letters)", "country"],
            ] as const
          ).map(([key, label, autoComplete]) => (
            <label key={key} className="block text-sm">
              {label}
              <input
                required
                name={key}
                autoComplete={autoComplete}
                value={address[key]}
                maxLength={key === "country" ? 2 : 200}
                onChange={(e) => setAddress({ ...address, [key]: e.target.value })}
                className={field}
              />
            </label>
          ))}
        </fieldset>

        <fieldset className="space-y-4" onChange={newAttempt}>
          <legend className="mb-2 text-lg font-semibold">Shipping</legend>
          {groups.map((g) => (
            <div key={g.vendorId} role="radiogroup" aria-label={`Shipping from ${g.vendorName}`}>
              <p className="font-medium">
                {g.vendorName}{" "}
                <span className="text-sm text-zinc-500">
                  · {g.items.reduce((n, i) => n + i.quantity, 0)} items
                </span>
              </p>
              <div className="mt-2 flex flex-wrap gap-2">
                {g.shippingOptions.map((o) => (
                  <label
                    key={o.id}
                    className="flex min-h-11 items-center gap-2 rounded-md border border-zinc-300 px-3 text-sm dark:border-zinc-700"
                  >
                    <input
                      type="radio"
                      name={`shipping-${g.vendorId}`}
                      value={o.id}
                      checked={shippingOf(g.vendorId) === o.id}
                      onChange={() => setShipping({ ...shipping, [g.vendorId]: o.id })}
                    />
                    {o.label} ({o.days} {o.days === 1 ? "day" : "days"}) ·{" "}
                    {formatPrice(o.priceCents)}
                  </label>
                ))}
              </div>
            </div>
          ))}
        </fieldset>

        <fieldset className="space-y-3" onChange={newAttempt}>
          <legend className="mb-2 text-lg font-semibold">Card</legend>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">
            Your card goes straight to the payment provider; Agora only receives a token.
          </p>
          <label className="block text-sm">
            Card number
            <input
              required
              name="cardNumber"
              inputMode="numeric"
              autoComplete="cc-number"
              value={card.number}
              onChange={(e) => setCard({ ...card, number: e.target.value })}
              className={field}
            />
          </label>
          <div className="flex gap-3">
            <label className="block flex-1 text-sm">
              Expiry (MM/YY)
              <input
                required
                name="cardExpiry"
                autoComplete="cc-exp"
                value={card.exp}
                onChange={(e) => setCard({ ...card, exp: e.target.value })}
                className={field}
              />
            </label>
            <label className="block flex-1 text-sm">
              CVC
              <input
                required
                name="cardCvc"
                inputMode="numeric"
                autoComplete="cc-csc"
                value={card.cvc}
                onChange={(e) => setCard({ ...card, cvc: e.target.value })}
                className={field}
              />
            </label>
          </div>
          <details className="rounded-md bg-zinc-50 p-3 text-sm dark:bg-zinc-900" open>
            <summary className="cursor-pointer font-medium">
              Test cards (any future expiry, any CVC)
            </summary>
            <ul className="mt-2 space-y-1" aria-label="Test cards">
              {config.data.testCards.map((c) => (
                <li key={c.number}>
                  <button
                    type="button"
                    className="font-mono underline"
                    onClick={() => {
                      newAttempt();
                      setCard({ ...card, number: c.number, cvc: card.cvc || "123" });
                    }}
                  >
                    {c.number}
                  </button>{" "}
                  — {c.label}: {c.outcome.replaceAll("_", " ")}
                </li>
              ))}
            </ul>
          </details>
        </fieldset>
      </div>

      <aside className="h-fit space-y-3 rounded-lg border border-zinc-200 p-4 dark:border-zinc-800">
        <h2 className="font-semibold">Summary</h2>
        <p className="flex justify-between text-sm">
          <span>Items</span> <span>{formatPrice(cart.data.totalCents)}</span>
        </p>
        <p className="flex justify-between text-sm">
          <span>
            Shipping ({groups.length} {groups.length === 1 ? "parcel" : "parcels"})
          </span>{" "}
          <span>{formatPrice(shippingCents)}</span>
        </p>
        <p className="flex justify-between font-semibold">
          <span>Total</span> <span>{formatPrice(cart.data.totalCents + shippingCents)}</span>
        </p>
        {paymentsDown && (
          <p
            role="status"
            data-testid="payments-unavailable"
            className="rounded-md bg-amber-50 p-3 text-sm text-amber-900 dark:bg-amber-950 dark:text-amber-200"
          >
            Payments are unavailable right now. Nothing will be charged — your cart is kept, and
            this page lets you order as soon as payments are back.
          </p>
        )}
        {inLine && (
          <div
            role="status"
            aria-live="polite"
            data-testid="checkout-in-line"
            className="space-y-2 rounded-md bg-sky-50 p-3 text-sm text-sky-900 dark:bg-sky-950 dark:text-sky-200"
          >
            <p>
              Many orders are being placed right now. You are number {inLine.position} in line;
              {inLine.retryAfterMs >= 1_000
                ? ` trying again in ${Math.ceil(inLine.retryAfterMs / 1000)} s.`
                : " trying again in a moment."}{" "}
              Nothing has been ordered or charged yet.
            </p>
            <button
              type="button"
              className="min-h-11 underline"
              onClick={() => {
                stopWaiting.current = true;
              }}
            >
              Stop waiting
            </button>
          </div>
        )}
        <FormError testId="checkout-error">{error}</FormError>
        <SubmitButton
          pending={busy}
          disabled={paymentsDown}
          label="Place order"
          pendingLabel="Placing order…"
        />
      </aside>
    </form>
  );
}
