import { expect, test } from "@playwright/test";
import { processEnv } from "../infra/local/src/env/process-env.ts";
import { topology } from "../infra/local/src/topology.ts";
import {
  addToCart,
  CARDS,
  checkout,
  expectConfirmed,
  pickProducts,
  setStock,
  signUp,
  uniqueEmail,
} from "./support/shop.ts";

interface Span {
  traceId: string;
  name: string;
  kind: string;
  service: string;
  attributes: Record<string, string | number | boolean>;
}

const collector = () => {
  const t = topology("test");
  return `http://${t.host}:${t.apps.telemetryCollector}`;
};

/** Reading traces takes the collector's read token (the test runner's, as the console's). */
const readToken = () => processEnv(topology("test"), "test-runner").AGORA_TELEMETRY_READ_TOKEN;

async function json<T>(path: string): Promise<T> {
  const res = await fetch(`${collector()}${path}`, {
    headers: { authorization: `Bearer ${readToken()}` },
    signal: AbortSignal.timeout(5_000),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

/** The spans of the trace that carried order `orderId` through the saga, if stored yet. */
async function traceOfOrder(orderId: string): Promise<Span[]> {
  const recent = await json<{ traceId: string }[]>("/api/traces?name=checkout.place&limit=20");
  for (const { traceId } of recent) {
    const { spans } = await json<{ spans: Span[] }>(`/api/traces/${traceId}`);
    if (spans.some((s) => s.attributes["agora.order_id"] === orderId)) return spans;
  }
  return [];
}

test("one checkout in the browser is one trace across the real processes: storefront, tRPC, the vendor's shard, the saga worker, the payment simulator and the outbox consumers", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const [p] = await pickProducts(4);
  await setStock(p!, 5);
  await signUp(page, uniqueEmail("trace"));
  await addToCart(page, p!);
  await checkout(page, CARDS.success);
  const orderId = await expectConfirmed(page);

  const seen = async () => {
    const spans = await traceOfOrder(orderId);
    const services = new Set(spans.map((s) => s.service));
    return {
      storefront: [...services].some((s) => s.startsWith("storefront")),
      procedure: spans.some((s) => s.name === "trpc checkout.place"),
      shardQuery: spans.some((s) =>
        String(s.attributes["agora.cluster"] ?? "").startsWith("shard-"),
      ),
      sagaWorker: services.has("workers-sagas"),
      paymentSim: services.has("payment-sim"),
      // order events leave through the core outbox and the relay; their consumers continue the trace
      outboxConsumer: spans.some(
        (s) => s.kind === "consumer" && s.name.startsWith("outbox consume order"),
      ),
    };
  };
  await expect.poll(seen, { timeout: 60_000, intervals: [1_000] }).toEqual({
    storefront: true,
    procedure: true,
    shardQuery: true,
    sagaWorker: true,
    paymentSim: true,
    outboxConsumer: true,
  });
});
