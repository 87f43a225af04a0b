/**
 * Where the router writes down which provider a payment went to, before it calls that provider:
 * the order's row in `payments` (one per order, keyed by the authorize step's key). A retried
 * step reads it back and returns to the same provider, or checks there first before it may try
 * another one.
 */
import { core } from "@agora/db";
import type { ProviderName } from "../providers/provider-adapter.ts";
import { PROVIDER_NAMES } from "../providers/provider-adapter.ts";

export interface RouteStore {
  /** The provider recorded under `key`, if any call was ever made for it. */
  chosen(key: string): Promise<ProviderName | null>;
  /** Which providers an order's payment can be at: none if no call was ever made. */
  providersOfOrder(orderId: string): Promise<ProviderName[]>;
  /** Durably records `provider` for the payment before the call. */
  record(r: {
    key: string;
    orderId: string;
    amountCents: number;
    currency: string;
    provider: ProviderName;
  }): Promise<void>;
}

/** Rows written before routing existed have no provider: they are the card provider's. */
export function providerName(value: string | null): ProviderName {
  return (PROVIDER_NAMES as readonly string[]).includes(value ?? "")
    ? (value as ProviderName)
    : "card";
}

export const databaseRouteStore: RouteStore = {
  async chosen(key) {
    const row = await core().primary.payment.findUnique({
      where: { idempotencyKey: key },
      select: { provider: true },
    });
    return row ? providerName(row.provider) : null;
  },
  async providersOfOrder(orderId) {
    const rows = await core().primary.payment.findMany({
      where: { orderId },
      select: { provider: true },
    });
    return [...new Set(rows.map((r) => providerName(r.provider)))];
  },
  async record(r) {
    await core().primary.payment.upsert({
      where: { idempotencyKey: r.key },
      create: {
        orderId: r.orderId,
        amountCents: r.amountCents,
        currency: r.currency,
        status: "pending",
        provider: r.provider,
        idempotencyKey: r.key,
      },
      update: { provider: r.provider },
    });
  },
};
