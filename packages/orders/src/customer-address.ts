/**
 * An order's shipping address, sealed under its shopper's data key (`users.data_key`) in the
 * `OrderPlaced` event (`addressSealed`): the event log is append-only and copied to replicas and
 * dumps, so the address must become unreadable there when the shopper's account is erased. Orders
 * placed before sealing carry a plaintext `address`, cleared from the event by the erasure.
 */
import { core } from "@agora/db";
import { openField, sealField, SubjectErasedError, type SubjectKey, userKey } from "@agora/secrets";
import type { ShippingAddress } from "./events.ts";

/** The shopper was erased: the order stays (ledger, vendor lines), its personal fields do not. */
export const ERASED_ADDRESS = "erased" as const;

const addressField = (orderId: string) => ({ table: "orders", column: "address", rowId: orderId });

/** A placement for an erased (or unknown) shopper. */
export class CustomerErasedError extends Error {
  readonly code = "CUSTOMER_ERASED";
  readonly retryable = false;
  constructor(userId: string) {
    super(`user ${userId} was erased or does not exist`);
    this.name = "CustomerErasedError";
  }
}

/**
 * The shopper's field key, made on first use for a user that has none yet (a row the key job has
 * not sealed): set only if still absent, so two racing checkouts end up with the same key.
 */
export async function customerKey(userId: string): Promise<SubjectKey> {
  const db = core().primary;
  for (let attempt = 0; attempt < 3; attempt++) {
    const user = await db.user.findUnique({ where: { id: userId }, select: { dataKey: true, erasedAt: true } });
    if (!user || user.erasedAt) throw new CustomerErasedError(userId);
    if (user.dataKey) return userKey(userId, user.dataKey);
    const fresh = await userKey(userId, null);
    const set = await db.user.updateMany({
      where: { id: userId, dataKey: null, erasedAt: null },
      data: { dataKey: fresh.wrapped },
    });
    if (set.count === 1) return fresh;
  }
  throw new CustomerErasedError(userId);
}

export function sealShippingAddress(key: SubjectKey, orderId: string, address: ShippingAddress): string {
  return sealField(key, JSON.stringify(address), addressField(orderId));
}

/** The fields of an `OrderPlaced` payload that may hold an address. */
export interface PlacedAddress {
  userId: string;
  address?: ShippingAddress | undefined;
  addressSealed?: string | undefined;
}

/**
 * The order's address: plaintext (older orders), opened, `ERASED_ADDRESS` once its shopper was
 * erased, or null for an order placed without one.
 */
export async function openShippingAddress(
  orderId: string,
  placed: PlacedAddress,
): Promise<ShippingAddress | typeof ERASED_ADDRESS | null> {
  if (placed.address) return placed.address;
  const user = await core().primary.user.findUnique({
    where: { id: placed.userId },
    select: { dataKey: true, erasedAt: true },
  });
  // An erased shopper's older orders had their plaintext address removed: erased, not "none".
  if (!user || user.erasedAt) return ERASED_ADDRESS;
  if (!placed.addressSealed) return null;
  if (!user.dataKey) return ERASED_ADDRESS;
  try {
    const key = await userKey(placed.userId, user.dataKey);
    return JSON.parse(openField(key, placed.addressSealed, addressField(orderId))) as ShippingAddress;
  } catch (err) {
    if (err instanceof SubjectErasedError) return ERASED_ADDRESS;
    throw err;
  }
}
