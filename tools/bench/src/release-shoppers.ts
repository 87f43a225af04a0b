/**
 * `npx tsx tools/bench/src/release-shoppers.ts [--shoppers 4] [--duration-s 120]`: shoppers that
 * keep buying through the gateway while a release rolls out (`npm run deploy`), bounded in time.
 * Each round: the product page's read (`catalog.product`, retried once on a server error, as the
 * page's client retries), add to cart, the provider's card step, `checkout.place`. Prints the
 * outcome counts as JSON: failed product reads are allowed only within a faulty canary's share;
 * failed checkouts must be 0.
 */
import { parseArgs } from "node:util";
import { IdentityPool } from "./identity.ts";
import { BenchHttpError, ShopperClient } from "./journeys/http-client.ts";
import { buyableItems } from "./journeys/catalog-fixtures.ts";
import { addToCart, placeOrder, shopperEmail, signUpAndIn, tokenizeCard } from "./journeys/shopper.ts";
import { queryPath, trpcQuery } from "./journeys/trpc.ts";
import { benchTarget } from "./target.ts";

const { values } = parseArgs({
  options: { shoppers: { type: "string", default: "4" }, "duration-s": { type: "string", default: "120" }, profile: { type: "string" } },
});
const shoppers = Math.min(20, Math.max(1, Number(values.shoppers)));
const durationMs = Math.min(900, Math.max(5, Number(values["duration-s"]))) * 1000;
const target = benchTarget(values.profile === "test" ? "test" : values.profile === "dev" ? "dev" : undefined);
const identities = new IdentityPool();
const runId = `rel${Date.now().toString(36)}`;
const scout = new ShopperClient(target.gatewayUrl, identities.take());
const { tokenizeUrl } = await trpcQuery<{ tokenizeUrl: string }>(scout, "checkout.paymentConfig");
const items = await buyableItems(scout, shoppers * 50);
if (items.length === 0) throw new Error("no product in stock to buy");

const tally = { rounds: 0, checkouts: 0, failedCheckouts: 0, reads: 0, failedReads: 0, readsFailedTwice: 0, errors: {} as Record<string, number> };
const t0 = Date.now();
const timeline: { s: number; failedReads: number; checkouts: number; failedCheckouts: number }[] = [];
const ticker = setInterval(() => {
  timeline.push({ s: Math.round((Date.now() - t0) / 1000), failedReads: tally.failedReads, checkouts: tally.checkouts, failedCheckouts: tally.failedCheckouts });
  process.stderr.write(`[${Math.round((Date.now() - t0) / 1000)} s] ${tally.checkouts} checkouts (${tally.failedCheckouts} failed), ${tally.failedReads}/${tally.reads} product reads failed\n`);
}, 5_000);

await Promise.all(
  Array.from({ length: shoppers }, async (_, n) => {
    const shopper = await signUpAndIn(target.gatewayUrl, identities.take(), shopperEmail(runId, n));
    for (let round = 0; Date.now() - t0 < durationMs; round++) {
      const item = items[(n + round * shoppers) % items.length]!;
      tally.rounds++;
      const read = async () => {
        tally.reads++;
        const res = await shopper.client.send("GET", queryPath("catalog.product", { productId: item.productId }));
        if (res.status >= 500) tally.failedReads++;
        return res.status < 500;
      };
      try {
        if (!(await read()) && !(await read())) {
          tally.readsFailedTwice++;
          continue;
        }
        await addToCart(shopper, item);
        await placeOrder(shopper, await tokenizeCard(shopper, tokenizeUrl));
        tally.checkouts++;
      } catch (err) {
        tally.failedCheckouts++;
        const key = err instanceof BenchHttpError ? `${err.status} ${err.message.slice(0, 80)}` : String(err).slice(0, 80);
        tally.errors[key] = (tally.errors[key] ?? 0) + 1;
      }
    }
  }),
);
clearInterval(ticker);
process.stdout.write(`${JSON.stringify({ ...tally, durationS: Math.round((Date.now() - t0) / 1000), timeline }, null, 2)}\n`);
