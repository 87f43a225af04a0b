/** Starts a simulator on 127.0.0.1:0 for one test file and wraps fetch for terse calls. */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { bearerHeader } from "@agora/auth/service-token";
import { DEV_PAYMENT_PROVIDER_API_KEY, DEV_PAYMENT_SIM_ADMIN_TOKEN } from "../config.ts";
import { TEST_CARDS } from "../payments/test-cards.ts";
import { createPaymentSim, type PaymentSim, type PaymentSimOptions } from "../server.ts";

// Test bodies are asserted field by field; typing every response shape would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface SimResponse {
  status: number;
  headers: Headers;
  body: Json;
}

export interface SimHarness {
  sim: PaymentSim;
  url: string;
  call(
    method: string,
    path: string,
    /** `token: null` sends no Authorization header (by default: the one the path needs). */
    init?: { body?: unknown; key?: string; raw?: string; token?: string | null },
  ): Promise<SimResponse>;
  /** POST with a fresh Idempotency-Key unless one is given. */
  post(path: string, body?: unknown, key?: string): Promise<SimResponse>;
  get(path: string): Promise<SimResponse>;
  close(): Promise<void>;
}

/** The token an in-process simulator wants for `path` (its dev defaults). */
function tokenFor(path: string): string | undefined {
  if (path.startsWith("/admin/")) return DEV_PAYMENT_SIM_ADMIN_TOKEN;
  if (path.startsWith("/v1/payments")) return DEV_PAYMENT_PROVIDER_API_KEY;
  return undefined;
}

let keySeq = 0;
export const freshKey = () => `test-key-${process.pid}-${++keySeq}`;

export async function startSim(opts: PaymentSimOptions = {}): Promise<SimHarness> {
  const sim = createPaymentSim({ logger: pino({ level: "silent" }), ...opts });
  const url = await sim.listen(0);
  const call: SimHarness["call"] = async (method, path, init = {}) => {
    const headers: Record<string, string> = {};
    if (init.key !== undefined) headers["Idempotency-Key"] = init.key;
    const token = init.token === undefined ? tokenFor(path) : init.token;
    if (token) Object.assign(headers, bearerHeader(token));
    const payload = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    if (payload !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`${url}${path}`, { method, headers, body: payload });
    const text = await res.text();
    const isJson = res.headers.get("content-type")?.includes("json") ?? false;
    return {
      status: res.status,
      headers: res.headers,
      body: isJson && text ? (JSON.parse(text) as Json) : text,
    };
  };
  return {
    sim,
    url,
    call,
    post: (path, body, key = freshKey()) => call("POST", path, { body, key }),
    get: (path) => call("GET", path),
    close: () => sim.close(),
  };
}

export function card(number: string = TEST_CARDS.success) {
  return { number, expMonth: 12, expYear: 2099, cvc: "123" };
}

export function authorizeBody(overrides: Record<string, unknown> = {}) {
  return {
    amountCents: 5_000,
    currency: "EUR",
    orderId: `ord-${++keySeq}`,
    card: card(),
    ...overrides,
  };
}

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  answeredWith: number;
}

/** A loopback webhook receiver; `failNext` makes the next N deliveries answer 500. */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  let failures = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const answeredWith = failures > 0 ? 500 : 204;
      if (failures > 0) failures -= 1;
      received.push({
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        answeredWith,
      });
      res.writeHead(answeredWith).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/carrier`,
    received,
    failNext(n: number) {
      failures = n;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
