import { readFileSync } from "node:fs";
import { request as httpsRequest } from "node:https";
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

/**
 * Reading traces takes what the console has: the collector's read token, and a service
 * certificate for the query API's mutual TLS (the test runner's, as the console's).
 */
const runner = () => processEnv(topology("test"), "test-runner");

async function json<T>(path: string): Promise<T> {
  const env = runner();
  const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpsRequest(
      `${env.AGORA_TELEMETRY_QUERY_URL}${path}`,
      {
        headers: { authorization: `Bearer ${env.AGORA_TELEMETRY_READ_TOKEN}` },
        ca: readFileSync(env.AGORA_TLS_CA_FILE!),
        cert: readFileSync(env.AGORA_TLS_CERT_FILE!),
        key: readFileSync(env.AGORA_TLS_KEY_FILE!),
        timeout: 5_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("the collector's query API did not answer")));
    req.on("error", reject);
    req.end();
  });
  expect(status).toBe(200);
  return JSON.parse(body) as T;
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
