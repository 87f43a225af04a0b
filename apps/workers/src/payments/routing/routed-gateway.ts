/**
 * Payments over several providers, behind the saga's one `PaymentGateway`. Authorize picks the
 * providers (`chooseProviders`), records the choice durably, then calls it with an idempotency
 * key per (payment, provider); it moves on to the next provider only when the call provably
 * executed nothing (`PaymentNotExecutedError`), and when an earlier attempt of the same payment
 * went elsewhere it first asks that provider whether it holds anything. Payment ids carry their
 * provider (`payswift:psw_ch_…`; a bare id is the card provider's), so capture, void and refund
 * always go to the provider that holds the payment.
 */
import { counter, createLogger } from "@agora/telemetry";
import {
  PaymentNotExecutedError,
  PaymentRejectedError,
  type PaymentGateway,
  type ProviderPayment,
} from "../../sagas/checkout/payment-gateway.ts";
import type { ProviderAdapter, ProviderName } from "../providers/provider-adapter.ts";
import { chooseProviders, type ProviderProfile } from "./choose-provider.ts";
import type { RouteStore } from "./route-store.ts";

const log = createLogger({ service: "workers-payments" });

export const paymentRoutes = counter({
  name: "payments_routed_total",
  help: "Authorizations by provider and outcome (authorized, declined, failed_over, error)",
  labelNames: ["provider", "outcome"] as const,
});

/** `payswift:psw_ch_1` → payswift + psw_ch_1; a bare id (no prefix) is the card provider's. */
export function parsePaymentId(id: string): { provider: ProviderName; id: string } {
  const i = id.indexOf(":");
  if (i < 0) return { provider: "card", id };
  return { provider: id.slice(0, i) as ProviderName, id: id.slice(i + 1) };
}

export function qualifyPaymentId(provider: ProviderName, id: string): string {
  return provider === "card" ? id : `${provider}:${id}`;
}

/** The key a provider sees: one per (payment, provider), so two providers never share one. */
export const providerKey = (key: string, provider: ProviderName) => `${key}@${provider}`;

export interface RoutedPayments extends PaymentGateway {
  readonly providers: readonly ProviderAdapter[];
}

export function createRoutedPayments(opts: {
  providers: readonly ProviderAdapter[];
  profiles: readonly ProviderProfile[];
  store: RouteStore;
}): RoutedPayments {
  const byName = new Map(opts.providers.map((p) => [p.name, p]));
  const adapter = (name: ProviderName): ProviderAdapter => {
    const a = byName.get(name);
    if (!a) throw new Error(`no payment provider "${name}" is configured`);
    return a;
  };
  const qualified = (provider: ProviderName, p: ProviderPayment): ProviderPayment => ({
    ...p,
    id: qualifyPaymentId(provider, p.id),
  });
  const unwrap = (err: unknown): unknown =>
    err instanceof PaymentNotExecutedError ? err.original : err;

  /** What `provider` holds for the order (a payment that was not declined or voided), if anything. */
  async function heldAt(provider: ProviderName, orderId: string): Promise<ProviderPayment | null> {
    const found = await adapter(provider).listByOrder(orderId);
    return found.find((p) => p.status !== "declined" && p.status !== "voided") ?? null;
  }

  return {
    providers: opts.providers,
    async authorize(body, key) {
      const decision = chooseProviders(
        body,
        opts.profiles.filter((p) => byName.has(p.name)),
        (name) => adapter(name).breaker.state,
      );
      if (decision.candidates.length === 0)
        throw new PaymentRejectedError(
          422,
          "currency_unsupported",
          `no provider settles ${body.currency}`,
        );
      // An earlier attempt of this payment (a crashed worker, a retried job) may have reached it.
      const earlier = await opts.store.chosen(key);
      const order = decision.candidates.map((c) => c.name);
      if (earlier && order.includes(earlier))
        order.sort((a, b) => Number(b === earlier) - Number(a === earlier));
      let unverified: ProviderName | null = earlier;
      let last: unknown = null;
      for (const name of order) {
        if (unverified && unverified !== name) {
          // Before another provider may hold funds, the earlier one must show it holds none
          // (or we adopt what it holds). If it cannot answer, nothing else is tried.
          let held: ProviderPayment | null;
          try {
            held = await heldAt(unverified, body.orderId);
          } catch (err) {
            throw unwrap(last ?? err);
          }
          if (held) {
            log.info(
              { orderId: body.orderId, provider: unverified },
              "adopted an earlier authorization",
            );
            return qualified(unverified, held);
          }
          unverified = null;
        }
        await opts.store.record({
          key,
          orderId: body.orderId,
          amountCents: body.amountCents,
          currency: body.currency,
          provider: name,
        });
        try {
          const payment = await adapter(name).authorize(body, providerKey(key, name));
          paymentRoutes.inc({ provider: name, outcome: "authorized" });
          return qualified(name, payment);
        } catch (err) {
          if (!(err instanceof PaymentNotExecutedError)) {
            paymentRoutes.inc({
              provider: name,
              outcome:
                err instanceof Error && err.name === "PaymentDeclinedError" ? "declined" : "error",
            });
            throw err;
          }
          // This attempt ran nothing; an earlier one at the same provider still might have.
          paymentRoutes.inc({ provider: name, outcome: "failed_over" });
          log.warn(
            { orderId: body.orderId, provider: name, err: err.message },
            "payment provider skipped",
          );
          last = err;
        }
      }
      throw unwrap(last);
    },
    async capture(id, key) {
      const p = parsePaymentId(id);
      return qualified(
        p.provider,
        await adapter(p.provider).capture(p.id, providerKey(key, p.provider)),
      );
    },
    async void(id, key) {
      const p = parsePaymentId(id);
      return qualified(
        p.provider,
        await adapter(p.provider).void(p.id, providerKey(key, p.provider)),
      );
    },
    async refund(id, key, reason, amountCents) {
      const p = parsePaymentId(id);
      return adapter(p.provider).refund(p.id, providerKey(key, p.provider), reason, amountCents);
    },
    async listByOrder(orderId) {
      // Only where a call was recorded: an order the router never sent anywhere is held nowhere.
      const providers = await opts.store.providersOfOrder(orderId);
      const lists = await Promise.all(
        providers.map(async (name) =>
          (await adapter(name).listByOrder(orderId)).map((p) => qualified(name, p)),
        ),
      );
      return lists.flat();
    },
    dispose() {
      for (const p of opts.providers) p.dispose();
    },
  };
}
