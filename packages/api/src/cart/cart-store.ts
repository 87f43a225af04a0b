/**
 * Carts in Redis: one hash per cart (`cart:user:<userId>` or `cart:guest:<agora_cart cookie>`),
 * expiring 7 days after the last write. Lines are keyed by (product, variant): `<productId>` for a
 * product sold without a variant, `<productId>/<variantId>` for one variant, so two sizes of one
 * product are two lines. Per line the hash holds four fields — `q:` quantity,
 * `v:` vendor, `p:` the unit price the shopper saw when adding (so a later price change can be
 * reported) and `t:` the title (so a cart still renders while its vendor's shard is down).
 * Every write is one Lua script, so quantities never race and the TTL always moves with it.
 */
import type { Redis } from "ioredis";

export const CART_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const MAX_LINE_QUANTITY = 99;

export type CartKey = `cart:user:${string}` | `cart:guest:${string}`;
export const userCartKey = (userId: string): CartKey => `cart:user:${userId}`;
export const guestCartKey = (cartId: string): CartKey => `cart:guest:${cartId}`;

export interface CartLine {
  productId: string;
  /** The variant picked; absent for a product sold without one. */
  variantId?: string;
  vendorId: string;
  quantity: number;
  /** Unit price when the line was last added or changed. */
  seenPriceCents: number;
  title: string;
}

/** The hash key of a line: one per (product, variant). */
export function lineKey(line: { productId: string; variantId?: string | null }): string {
  return line.variantId ? `${line.productId}/${line.variantId}` : line.productId;
}

// KEYS[1] cart; ARGV lineKey, delta, vendorId, priceCents, title, cap, ttlMs → new quantity
const ADD_LUA = `
local q = redis.call('HINCRBY', KEYS[1], 'q:' .. ARGV[1], ARGV[2])
local cap = tonumber(ARGV[6])
if q > cap then redis.call('HSET', KEYS[1], 'q:' .. ARGV[1], cap); q = cap end
redis.call('HSET', KEYS[1], 'v:' .. ARGV[1], ARGV[3], 'p:' .. ARGV[1], ARGV[4], 't:' .. ARGV[1], ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return q`;

// KEYS[1] cart; ARGV lineKey, quantity, priceCents, ttlMs → 1, or 0 when the line is absent
const SET_LUA = `
if redis.call('HEXISTS', KEYS[1], 'q:' .. ARGV[1]) == 0 then return 0 end
if tonumber(ARGV[2]) <= 0 then
  redis.call('HDEL', KEYS[1], 'q:' .. ARGV[1], 'v:' .. ARGV[1], 'p:' .. ARGV[1], 't:' .. ARGV[1])
else
  redis.call('HSET', KEYS[1], 'q:' .. ARGV[1], ARGV[2])
  if ARGV[3] ~= '' then redis.call('HSET', KEYS[1], 'p:' .. ARGV[1], ARGV[3]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

// KEYS[1] guest cart, KEYS[2] user cart; ARGV cap, ttlMs → lines merged. Quantities add up
// (capped); vendor/title follow the guest line; the user's own seen price is kept if it has one.
const MERGE_LUA = `
local g = redis.call('HGETALL', KEYS[1])
if #g == 0 then return 0 end
local cap = tonumber(ARGV[1])
local lines = 0
for i = 1, #g, 2 do
  local f, v = g[i], g[i + 1]
  local kind = string.sub(f, 1, 2)
  if kind == 'q:' then
    lines = lines + 1
    local q = redis.call('HINCRBY', KEYS[2], f, v)
    if q > cap then redis.call('HSET', KEYS[2], f, cap) end
  elseif kind == 'p:' then
    redis.call('HSETNX', KEYS[2], f, v)
  else
    redis.call('HSET', KEYS[2], f, v)
  end
end
redis.call('DEL', KEYS[1])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return lines`;

export async function addLine(
  redis: Redis,
  key: CartKey,
  line: Omit<CartLine, "quantity"> & { quantity: number },
): Promise<number> {
  const q = await redis.eval(
    ADD_LUA,
    1,
    key,
    lineKey(line),
    line.quantity,
    line.vendorId,
    line.seenPriceCents,
    line.title,
    MAX_LINE_QUANTITY,
    CART_TTL_MS,
  );
  return Number(q);
}

/** Returns false when the line (product, variant) is not in the cart. Quantity 0 removes it. */
export async function setLineQuantity(
  redis: Redis,
  key: CartKey,
  line: { productId: string; variantId?: string | null },
  quantity: number,
  seenPriceCents?: number,
): Promise<boolean> {
  const r = await redis.eval(
    SET_LUA,
    1,
    key,
    lineKey(line),
    Math.min(quantity, MAX_LINE_QUANTITY),
    seenPriceCents === undefined ? "" : String(seenPriceCents),
    CART_TTL_MS,
  );
  return Number(r) === 1;
}

/** Moves every guest line into the user's cart in one atomic step; returns the lines moved. */
export async function mergeCarts(redis: Redis, guest: CartKey, user: CartKey): Promise<number> {
  return Number(await redis.eval(MERGE_LUA, 2, guest, user, MAX_LINE_QUANTITY, CART_TTL_MS));
}

export async function readLines(redis: Redis, key: CartKey): Promise<CartLine[]> {
  return linesOf(await redis.hgetall(key));
}

export async function clearCart(redis: Redis, key: CartKey): Promise<void> {
  await redis.del(key);
}

/** Pure: the hash's fields as lines, sorted by line key; half-written lines are skipped. */
export function linesOf(hash: Record<string, string>): CartLine[] {
  const lines: CartLine[] = [];
  for (const [field, value] of Object.entries(hash)) {
    if (!field.startsWith("q:")) continue;
    const k = field.slice(2);
    const [productId = "", variantId] = k.split("/");
    const vendorId = hash[`v:${k}`];
    const quantity = Number(value);
    if (!vendorId || !Number.isInteger(quantity) || quantity <= 0) continue;
    lines.push({
      productId,
      ...(variantId ? { variantId } : {}),
      vendorId,
      quantity,
      seenPriceCents: Number(hash[`p:${k}`] ?? 0),
      title: hash[`t:${k}`] ?? "",
    });
  }
  return lines.sort((a, b) => lineKey(a).localeCompare(lineKey(b)));
}
