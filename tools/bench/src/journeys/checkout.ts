/**
 * Checkout end to end with N shoppers at once over HTTP. Sign-up, sign-in, cart and the card step
 * are done before timing; the clock runs from each `checkout.place` submit to the order being
 * known READY_FOR_FULFILMENT, followed as the order page follows it (live push + resync reads). Every shopper is a new account with its own client identity.
 */
import type { CpuWindow } from "../idle/proc-sampler.ts";
import type { StatementsWindow } from "./statements.ts";
import type { IdentityPool } from "../identity.ts";
import type { ConnectionPeak, ProcessUsage, StatementStat } from "../report/result.ts";
import type { Progress } from "../progress.ts";
import { rate, summarise } from "../report/stats.ts";
import { allocate, buyableItems } from "./catalog-fixtures.ts";
import { ShopperClient } from "./http-client.ts";
import {
  addToCart,
  placeOrderInLine,
  type Shopper,
  shopperEmail,
  signUpAndIn,
  followUntilReady,
  tokenizeCard,
} from "./shopper.ts";
import { trpcQuery } from "./trpc.ts";

export interface CheckoutSpec {
  gatewayUrl: string;
  shoppers: number;
  /** Concurrency of the untimed preparation (sign-up is scrypt: CPU-heavy on purpose). */
  prepareConcurrency: number;
  /** Resync read interval while following an order live (the order page's ORDER_RESYNC_MS). */
  resyncMs: number;
  /** Bound of the timed part. */
  timeoutS: number;
  runId: string;
}

export interface CheckoutResult {
  shoppers: number;
  ready: number;
  elapsedMs: number;
  ordersPerSecond: number;
  /** Each ready order: first submit → ready, what the shopper waited (line included). */
  endToEndMs: number[];
  /** Each ready order: admission (the `checkout.place` that succeeded) → ready. */
  admittedToReadyMs: number[];
  placeMs: number[];
  /** The checkout line (admission control): shoppers told to wait, answers, the longest line. */
  line: { waited: number; busyAnswers: number; longestPosition: number };
  errors: Record<string, number>;
  notes: string[];
  /** CPU of the product's processes over the timed part, when the bench could see them. */
  cpu?: { windowMs: number; processes: ProcessUsage[] };
  /** The databases' statements over the timed part (pg_stat_statements), when readable. */
  statements?: StatementStat[];
  /** Each primary's connections at their peak over the timed part, by holder. */
  connections?: ConnectionPeak[];
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { status: "fulfilled", value: await fn(items[i] as T, i) };
      } catch (reason) {
        out[i] = { status: "rejected", reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function errorKey(err: unknown): string {
  return (err instanceof Error ? err.message : String(err))
    .replace(/[0-9a-f-]{36}/g, "<id>")
    .replace(/\s+/g, " ")
    .slice(0, 140);
}

function countErrors(into: Record<string, number>, err: unknown): void {
  const k = errorKey(err);
  into[k] = (into[k] ?? 0) + 1;
}

export async function runCheckout(
  spec: CheckoutSpec,
  identities: IdentityPool,
  progress: Progress,
  /** Starts a CPU window over the product's processes (the timed part only). */
  measureCpu?: () => CpuWindow,
  /** Opens a statement-statistics window on the databases (the timed part only). */
  measureStatements?: () => Promise<StatementsWindow>,
): Promise<CheckoutResult> {
  const scout = new ShopperClient(spec.gatewayUrl, identities.take());
  const notes: string[] = [];
  const errors: Record<string, number> = {};
  try {
    const { tokenizeUrl } = await trpcQuery<{ tokenizeUrl: string }>(
      scout,
      "checkout.paymentConfig",
    );
    const items = allocate(await buyableItems(scout, spec.shoppers), spec.shoppers);
    if (items.length < spec.shoppers)
      notes.push(
        `only ${items.length} units in stock among the searched products: ${items.length} shoppers, not ${spec.shoppers}`,
      );

    progress.tick(`preparing ${items.length} shoppers`);
    let prepared = 0;
    const prep = await inBatches(items, spec.prepareConcurrency, async (item, i) => {
      const shopper = await signUpAndIn(
        spec.gatewayUrl,
        identities.take(),
        shopperEmail(spec.runId, i),
      );
      await addToCart(shopper, item);
      const paymentMethodId = await tokenizeCard(shopper, tokenizeUrl);
      progress.tick(`prepared ${++prepared}/${items.length} shoppers`);
      return { shopper, paymentMethodId };
    });
    const ready: { shopper: Shopper; paymentMethodId: string }[] = [];
    for (const p of prep) {
      if (p.status === "fulfilled") ready.push(p.value);
      else countErrors(errors, p.reason);
    }
    if (ready.length < items.length)
      notes.push(`${items.length - ready.length} shoppers failed before timing (see errors)`);

    const statementsWindow = await measureStatements?.();
    const cpuWindow = measureCpu?.();
    const t0 = Date.now();
    const deadline = t0 + spec.timeoutS * 1000;
    const placeMs: number[] = [];
    const pollErrors: Record<string, number> = {};
    const endToEndMs: number[] = [];
    const admittedToReadyMs: number[] = [];
    const line = { waited: 0, busyAnswers: 0, longestPosition: 0 };
    let done = 0;
    const timed = await Promise.allSettled(
      ready.map(async ({ shopper, paymentMethodId }) => {
        const submitted = Date.now();
        const placed = await placeOrderInLine(shopper, paymentMethodId, {
          giveUpAt: deadline,
          onBusy: (position) => {
            line.busyAnswers += 1;
            line.longestPosition = Math.max(line.longestPosition, position);
          },
        });
        if (placed.busy > 0) line.waited += 1;
        const orderId = placed.orderId;
        placeMs.push(placed.admittedAt - submitted);
        const readyAt = await followUntilReady(spec.gatewayUrl, shopper, orderId, {
          resyncMs: spec.resyncMs,
          deadline,
          onReadError: (err) => countErrors(pollErrors, err),
        });
        endToEndMs.push(readyAt - submitted);
        admittedToReadyMs.push(readyAt - placed.admittedAt);
        progress.tick(`${++done}/${ready.length} orders ready`);
      }),
    );
    const elapsedMs = Date.now() - t0;
    const cpu = cpuWindow?.stop();
    const db = await statementsWindow?.stop();
    if (db) notes.push(...db.notes);
    for (const t of timed) if (t.status === "rejected") countErrors(errors, t.reason);
    for (const r of ready) r.shopper.client.close();
    const place = summarise(placeMs);
    const admitted = summarise(admittedToReadyMs);
    notes.push(
      `checkout.place p50 ${place.p50.toFixed(0)} ms, p95 ${place.p95.toFixed(0)} ms (waits in the checkout line included); ready seen by live push (order room) or a resync read every ${spec.resyncMs} ms`,
      line.waited > 0
        ? `checkout line (admission control): ${line.waited} shoppers told to wait (${line.busyAnswers} busy answers, longest line ${line.longestPosition}); admitted → ready p50 ${admitted.p50.toFixed(0)} ms, p95 ${admitted.p95.toFixed(0)} ms`
        : `checkout line (admission control): nobody waited; admitted → ready p95 ${admitted.p95.toFixed(0)} ms`,
    );
    for (const [k, n] of Object.entries(errors)) notes.push(`${n}× ${k}`);
    for (const [k, n] of Object.entries(pollErrors))
      notes.push(`${n}× (while following the order, retried) ${k}`);
    return {
      shoppers: ready.length,
      ready: endToEndMs.length,
      elapsedMs,
      ordersPerSecond: rate(endToEndMs.length, elapsedMs),
      endToEndMs,
      admittedToReadyMs,
      placeMs,
      line,
      errors,
      notes,
      ...(cpu ? { cpu } : {}),
      ...(db ? { statements: db.statements, connections: db.connections } : {}),
    };
  } finally {
    scout.close();
  }
}
