/**
 * Steady shopper reads through the local gateway while a release runs beside it
 * (`npm run deploy`), counted per window: requests, failed requests (non-2xx or a connection
 * error), p95. The pages ask past the edge cache (`cache-control: no-cache`), so the storefront
 * instances the release moves traffic between answer every request. Beside the reads, a few
 * signed-in shoppers buy one item after another (cart, the provider's card step, checkout, the
 * order followed live until ready), so "no failed checkout during the release" is counted, not
 * assumed; an order refused because the tool's stock ran out is counted apart
 * (checkout-outcomes.ts). Loopback only; bounded in duration (at most 15 min), connections
 * (at most 16), buying shoppers (at most 8) and requests.
 */
import type { ProfileName } from "@agora/infra-local/topology";
import { IdentityPool } from "../identity.ts";
import { allocate, buyableItems, catalogFixtures } from "../journeys/catalog-fixtures.ts";
import { ShopperClient } from "../journeys/http-client.ts";
import {
  addToCart,
  type BuyableItem,
  followUntilReady,
  placeOrder,
  type Shopper,
  shopperEmail,
  signUpAndIn,
  tokenizeCard,
} from "../journeys/shopper.ts";
import { queryPath, trpcQuery } from "../journeys/trpc.ts";
import { runHttpLoad } from "../load/http-load.ts";
import { benchTarget } from "../target.ts";
import {
  type CheckoutCounts,
  type CheckoutEvent,
  classifyCheckoutError,
  countCheckouts,
  type OrderFailure,
} from "./checkout-outcomes.ts";

const LIMITS = { maxDurationS: 900, maxConnections: 16, maxBuyers: 8 } as const;
/** A buyer places about one order every few seconds; stock for one every 3 s is picked up front. */
const SECONDS_PER_ORDER_AT_MOST = 3;
/**
 * Orders one account places before the next account takes over: checkout allows 10 per account
 * per 10 minutes (packages/api/src/rate-limit/limits.ts), and a release must not be blamed for a 429.
 */
const ORDERS_PER_ACCOUNT = 9;
/** How long a placed order may take to be ready before it counts as failed. */
const ORDER_READY_BOUND_MS = 60_000;

export class ReleaseTrafficOptionsError extends Error {
  readonly code = "RELEASE_TRAFFIC_OPTIONS_INVALID";
}

export interface ReleaseTrafficWindow {
  atS: number;
  requests: number;
  failed: number;
  p95Ms: number;
  byStatus: Record<string, number>;
  /** Checkouts that finished in this window; `errors` are the failed ones'. */
  checkouts: CheckoutCounts & { errors: string[] };
}

/**
 * One buyer buying `items` one after another until `until`, each outcome recorded with its time;
 * a fresh account (`nextAccount`) every ORDERS_PER_ACCOUNT orders.
 */
async function buyInTurn(
  gatewayUrl: string,
  nextAccount: () => Promise<Shopper>,
  tokenizeUrl: string,
  items: readonly BuyableItem[],
  until: number,
  events: CheckoutEvent[],
): Promise<void> {
  let shopper = await nextAccount();
  for (const [n, item] of items.entries()) {
    if (Date.now() >= until) return;
    try {
      if (n > 0 && n % ORDERS_PER_ACCOUNT === 0) shopper = await nextAccount();
      await addToCart(shopper, item);
      const orderId = await placeOrder(shopper, await tokenizeCard(shopper, tokenizeUrl));
      await followUntilReady(gatewayUrl, shopper, orderId, {
        resyncMs: 2_000,
        deadline: Date.now() + ORDER_READY_BOUND_MS,
      });
      events.push({ at: Date.now(), outcome: "ready" });
    } catch (err) {
      const buyer = shopper;
      const { outcome, error } = await classifyCheckoutError(err, (orderId) =>
        trpcQuery<{ failure: OrderFailure }>(buyer.client, "orders.get", { orderId }).then((o) => o.failure),
      );
      const which = `order ${(n % ORDERS_PER_ACCOUNT) + 1} of its account`;
      events.push({ at: Date.now(), outcome, error: `${which}: ${error.slice(0, 160)}` });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export async function runReleaseTraffic(o: {
  profile?: ProfileName;
  durationS: number;
  connections: number;
  windowS: number;
  /** Signed-in shoppers buying one item after another during the traffic (0: reads only). */
  buyers?: number;
  onWindow?: (w: ReleaseTrafficWindow) => void;
}): Promise<{
  windows: ReleaseTrafficWindow[];
  requests: number;
  failed: number;
  checkouts: CheckoutCounts;
}> {
  const buyers = o.buyers ?? 0;
  if (!(Number.isInteger(buyers) && buyers >= 0 && buyers <= LIMITS.maxBuyers))
    throw new ReleaseTrafficOptionsError(`buyers must be 0–${LIMITS.maxBuyers}`);
  if (!(o.durationS > 0 && o.durationS <= LIMITS.maxDurationS)) throw new ReleaseTrafficOptionsError(`duration must be 1–${LIMITS.maxDurationS} s`);
  if (!(o.connections > 0 && o.connections <= LIMITS.maxConnections))
    throw new ReleaseTrafficOptionsError(`connections must be 1–${LIMITS.maxConnections}`);
  const target = benchTarget(o.profile);
  if (!/^https?:\/\/127\.\d+\.\d+\.\d+:\d+$/.test(target.gatewayUrl))
    throw new ReleaseTrafficOptionsError(`release traffic only goes to loopback, not ${target.gatewayUrl}`);
  const identities = new IdentityPool();
  const scout = new ShopperClient(target.gatewayUrl, identities.take());
  const f = await catalogFixtures(scout);
  const paths = [queryPath("catalog.home"), queryPath("catalog.product", { productId: f.productId })];
  const events: CheckoutEvent[] = [];
  let buying: Promise<unknown> = Promise.resolve();
  const started = Date.now();
  if (buyers > 0) {
    // The stock each buyer will buy is picked before the traffic starts.
    const { tokenizeUrl } = await trpcQuery<{ tokenizeUrl: string }>(scout, "checkout.paymentConfig");
    const wanted = buyers * Math.ceil(o.durationS / SECONDS_PER_ORDER_AT_MOST);
    const units = allocate(await buyableItems(scout, wanted), wanted);
    const runId = `release-${Date.now().toString(36)}`;
    let accounts = 0;
    const nextAccount = () => signUpAndIn(target.gatewayUrl, identities.take(), shopperEmail(runId, accounts++));
    const until = Date.now() + o.durationS * 1000;
    buying = Promise.all(
      Array.from({ length: buyers }, (_, i) =>
        buyInTurn(target.gatewayUrl, nextAccount, tokenizeUrl, units.filter((_, n) => n % buyers === i), until, events),
      ),
    );
  }
  scout.close();
  const windows: ReleaseTrafficWindow[] = [];
  let counted = 0;
  while (Date.now() - started < o.durationS * 1000) {
    const left = o.durationS - (Date.now() - started) / 1000;
    const r = await runHttpLoad({
      url: target.gatewayUrl,
      paths,
      headers: { "cache-control": "no-cache" },
      connections: o.connections,
      durationS: Math.max(1, Math.min(o.windowS, Math.round(left))),
      maxRequests: 200_000,
      requestsPerClient: 50,
      nextClientHeaders: () => identities.take().headers,
      nextLocalAddress: identities.nextLocalAddress(),
    });
    const w = {
      atS: Math.round((Date.now() - started) / 1000),
      requests: r.requests,
      failed: r.errors + r.non2xx,
      p95Ms: Math.round(r.p95Ms),
      byStatus: r.byStatus,
      checkouts: { ready: 0, failed: 0, outOfStock: 0, errors: [] as string[] },
    };
    countCheckouts(w.checkouts, events.slice(counted));
    counted = events.length;
    windows.push(w);
    o.onWindow?.(w);
  }
  // Orders placed in the last window are followed to their end; they count in that window.
  await buying;
  const last = windows.at(-1);
  if (last) countCheckouts(last.checkouts, events.slice(counted));
  const checkouts: CheckoutCounts = { ready: 0, failed: 0, outOfStock: 0 };
  countCheckouts(checkouts, events);
  return {
    windows,
    requests: windows.reduce((a, w) => a + w.requests, 0),
    failed: windows.reduce((a, w) => a + w.failed, 0),
    checkouts,
  };
}
