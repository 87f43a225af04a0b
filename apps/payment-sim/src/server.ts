/**
 * `createPaymentSim(opts)`: the simulator as an HTTP server that tests start on port 0 and the CLI
 * on the topology's `apps.paymentSim` port. Per request: route → faults (provider routes only) →
 * Idempotency-Key (mutating provider routes) → zod-validated handler → one JSON log line.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import {
  mutualTlsServerOptions,
  type ServiceTlsFiles,
  watchServiceTls,
} from "@agora/config/service-tls";
import type { AddressInfo } from "node:net";
import { pino, type Logger } from "pino";
import { adminRoutes } from "./admin/routes.ts";
import { carrierRoutes } from "./carrier/routes.ts";
import { CarrierService } from "./carrier/service.ts";
import { isLoopbackUrl } from "./carrier/loopback-url.ts";
import { WebhookDispatcher, type WebhookOptions } from "./carrier/webhook-dispatcher.ts";
import {
  AbortedError,
  systemClock,
  systemScheduler,
  TrackedScheduler,
  type Clock,
  type Scheduler,
} from "./clock.ts";
import { bearerMatches } from "@agora/auth/service-token";
import {
  DEFAULTS,
  DEV_CARRIER_WEBHOOK_SECRET,
  DEV_PAYMENT_PROVIDER_API_KEY,
  DEV_PAYMENT_SIM_ADMIN_TOKEN,
  DEV_PAYSWIFT_API_KEY,
} from "./config.ts";
import { FaultInjector } from "./faults.ts";
import { readJsonBody } from "./http/body.ts";
import { SimError, ValidationError } from "./http/errors.ts";
import { matchRoute, type HttpResult, type Route, type RouteContext } from "./http/router.ts";
import {
  IDEMPOTENCY_HEADER,
  IdempotencyGuard,
  requireIdempotencyKey,
  type ExecutedResult,
} from "./idempotency.ts";
import { Metrics } from "./metrics.ts";
import { paymentRoutes } from "./payments/routes.ts";
import { PaymentService } from "./payments/service.ts";
import {
  PAYSWIFT_KEY_HEADER,
  payswiftRoutes,
} from "./payswift/routes.ts";
import { MemorySimStore, type SimStore } from "./store.ts";

export interface PaymentSimOptions {
  clock?: Clock;
  scheduler?: Scheduler;
  /** Drives fault error rate, latency jitter and webhook backoff jitter; inject for determinism. */
  random?: () => number;
  logger?: Logger;
  store?: SimStore;
  processingTimeoutMs?: number;
  idempotencyTtlMs?: number;
  carrier?: {
    stepMs?: number;
    webhook?: Partial<WebhookOptions>;
  };
  /**
   * Browser origins (e.g. the storefront's `http://127.0.0.1:15900`) allowed to call the hosted
   * card step, `POST /v1/payment-methods`, directly. No other route is exposed to browsers.
   */
  corsOrigins?: readonly string[];
  /**
   * Bearer tokens: `adminToken` for faults and the ledger, `apiKey` for the server payment API.
   * In-process simulators (tests) default to the repository's dev values, which production refuses.
   */
  adminToken?: string;
  apiKey?: string;
  /**
   * The second provider, PaySwift: its own books (payments, ledger, idempotency keys; cards come
   * from the shared vault) and its own API key (`X-PaySwift-Key`). Default: memory, dev key.
   */
  payswiftStore?: SimStore;
  payswiftApiKey?: string;
}

/** The only path browsers may call: the card goes from the shopper's browser straight to us. */
const BROWSER_PATH = "/v1/payment-methods";
/**
 * What the plain port still serves once the mutual TLS port listens: the browser's card step
 * (a browser has no client certificate) and the probes. Every server API (payments, PaySwift,
 * shipments, faults, ledgers) then answers only a caller with a certificate of the CA.
 */
const PLAIN_PATHS: ReadonlySet<string> = new Set([BROWSER_PATH, "/healthz", "/readyz", "/metrics"]);

function corsHeaders(
  allowed: ReadonlySet<string>,
  origin: string | undefined,
  pathname: string,
): Record<string, string> | null {
  if (pathname !== BROWSER_PATH || !origin || !allowed.has(origin)) return null;
  return {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "content-type",
    "Access-Control-Max-Age": "600",
    Vary: "Origin",
  };
}

export interface PaymentSim {
  server: Server;
  store: SimStore;
  payswiftStore: SimStore;
  /** Binds to a loopback address only; resolves with the base URL, e.g. `http://127.0.0.1:15940`. */
  listen(port: number, host?: string): Promise<string>;
  /**
   * Also serves every route over HTTPS with mutual TLS (TLS 1.3; no handshake without a client
   * certificate of `tls.ca`); from then on the plain port serves only the browser's card step and
   * the probes. Resolves with the base URL, e.g. `https://127.0.0.1:15941`.
   */
  listenMutualTls(port: number, host: string, tls: ServiceTlsFiles): Promise<string>;
  /** Cancels every timer and pending webhook, then closes the server and its connections. */
  close(): Promise<void>;
  /** Resolves when no webhook delivery is queued or retrying. */
  webhooksIdle(): Promise<void>;
}

export function createPaymentSim(opts: PaymentSimOptions = {}): PaymentSim {
  const clock = opts.clock ?? systemClock;
  const scheduler = new TrackedScheduler(opts.scheduler ?? systemScheduler);
  const random = opts.random ?? Math.random;
  const logger = opts.logger ?? pino({ name: "payment-sim" });
  const store = opts.store ?? new MemorySimStore();
  const closing = new AbortController();
  const metrics = new Metrics();
  const allowedOrigins = new Set(opts.corsOrigins ?? []);
  const tokens = {
    admin: opts.adminToken ?? DEV_PAYMENT_SIM_ADMIN_TOKEN,
    "provider-key": opts.apiKey ?? DEV_PAYMENT_PROVIDER_API_KEY,
    "payswift-key": opts.payswiftApiKey ?? DEV_PAYSWIFT_API_KEY,
  } as const;
  const payswiftStore = opts.payswiftStore ?? new MemorySimStore();
  let listening = false;

  const faults = new FaultInjector(scheduler, random);
  const payswiftFaults = new FaultInjector(scheduler, random);
  const ttlMs = opts.idempotencyTtlMs ?? DEFAULTS.idempotencyTtlMs;
  const idempotency = new IdempotencyGuard(store.idempotency, clock, ttlMs);
  const payswiftIdempotency = new IdempotencyGuard(payswiftStore.idempotency, clock, ttlMs);
  const processingTimeoutMs = opts.processingTimeoutMs ?? DEFAULTS.processingTimeoutMs;
  const payments = new PaymentService({ store, clock, scheduler, processingTimeoutMs });
  // A different company's books; cards resolve through the shared vault, as a network token would.
  const payswift = new PaymentService({
    store: { ...payswiftStore, paymentMethods: store.paymentMethods },
    clock,
    scheduler,
    processingTimeoutMs,
    paymentIdPrefix: "psw_ch",
  });
  const dispatcher = new WebhookDispatcher(
    { ...DEFAULTS.webhook, secret: DEV_CARRIER_WEBHOOK_SECRET, ...opts.carrier?.webhook },
    {
      store,
      clock,
      scheduler,
      random,
      logger,
      closeSignal: closing.signal,
      onAttempt: (o) => metrics.recordWebhookAttempt(o),
    },
  );
  const carrier = new CarrierService({
    store,
    clock,
    scheduler,
    dispatcher,
    stepMs: opts.carrier?.stepMs ?? DEFAULTS.carrierStepMs,
  });
  carrier.resume();

  const routes: Route[] = [
    ...paymentRoutes(payments),
    ...payswiftRoutes(payswift),
    ...carrierRoutes(carrier),
    ...adminRoutes({
      faults,
      payswiftFaults,
      payswift,
      payswiftStore,
      payments,
      metrics,
      store,
      isReady: () => listening && !closing.signal.aborted,
    }),
  ];

  const server = createServer((req, res) => {
    void handle(req, res, "plain");
  });
  let mutual: { server: HttpsServer; unwatch: () => void } | undefined;

  async function handle(req: IncomingMessage, res: ServerResponse, plane: "plain" | "mutual"): Promise<void> {
    const started = performance.now();
    const method = req.method ?? "GET";
    // Origin-form targets only ("/path?query"); anything else cannot name a route.
    const target = `http://sim${req.url ?? "/"}`;
    const url = URL.canParse(target) ? new URL(target) : null;
    const pathname = url?.pathname ?? req.url ?? "";
    const clientGone = new AbortController();
    res.on("close", () => {
      if (!res.writableEnded) clientGone.abort();
    });
    const signal = AbortSignal.any([clientGone.signal, closing.signal]);
    const log = {
      method,
      route: "unmatched",
      path: pathname,
      idempotencyKey: undefined as string | undefined,
      replayed: false,
    };
    let status: number | "reset" | "aborted" = 500;
    const cors = corsHeaders(allowedOrigins, req.headers.origin, pathname);
    // Set before any answer so errors (400, faults) reach the page too; writeHead merges them.
    for (const [k, v] of Object.entries(cors ?? {})) res.setHeader(k, v);
    try {
      if (method === "OPTIONS" && pathname === BROWSER_PATH) {
        // Preflight: 204 for an allowed origin; without CORS headers the browser blocks the call.
        log.route = `OPTIONS ${BROWSER_PATH}`;
        status = cors ? 204 : 403;
        res.writeHead(status).end();
        return;
      }
      if (!url)
        throw new SimError(400, "invalid_request_target", `cannot parse request target ${req.url}`);
      if (plane === "plain" && mutual && !PLAIN_PATHS.has(pathname))
        throw new SimError(
          403,
          "mutual_tls_required",
          "this API is served over mutual TLS only: call the simulator's TLS port with a client certificate",
        );
      const match = matchRoute(routes, method, pathname);
      if (match.kind === "not_found")
        throw new SimError(404, "route_not_found", `no route for ${method} ${pathname}`);
      if (match.kind === "method_not_allowed") {
        throw new SimError(
          405,
          "method_not_allowed",
          `${method} is not allowed on ${pathname}`,
          {},
          { Allow: match.allow.join(", ") },
        );
      }
      const { route, params } = match;
      log.route = route.pattern;
      // Before faults: an unauthenticated caller learns nothing, not even that there is an outage.
      if (route.auth && !authorized(req, route.auth, tokens[route.auth]))
        throw new SimError(
          401,
          "unauthorized",
          route.auth === "admin" ? "the admin token is required" : "the provider API key is required",
          {},
          route.auth === "payswift-key" ? {} : { "WWW-Authenticate": "Bearer" },
        );

      if (route.scope) {
        const fault =
          route.scope === "payswift"
            ? await payswiftFaults.apply("payments", signal)
            : await faults.apply(route.scope, signal);
        if (fault.kind === "reset") {
          status = "reset";
          req.socket.destroy();
          return;
        }
        if (fault.kind === "respond") {
          status = send(res, fault.result);
          return;
        }
      }

      const key = route.idempotent
        ? requireIdempotencyKey(req.headers[route.idempotencyHeader ?? IDEMPOTENCY_HEADER])
        : undefined;
      log.idempotencyKey = key;
      const body = method === "GET" ? {} : await readJsonBody(req);
      const ctx: RouteContext = {
        params,
        query: url.searchParams,
        body,
        signal,
      };
      if (key === undefined) {
        status = send(res, await execute(route, ctx));
      } else {
        const guard = route.scope === "payswift" ? payswiftIdempotency : idempotency;
        const result = await guard.run(key, { method, path: pathname, body }, () =>
          execute(route, ctx),
        );
        log.replayed = result.replayed;
        status = send(res, result);
      }
    } catch (err) {
      if (err instanceof AbortedError || signal.aborted) {
        status = "aborted";
        if (!res.destroyed) res.destroy();
        return;
      }
      if (err instanceof SimError) {
        status = send(res, { status: err.status, body: err.toBody(), headers: err.headers });
        return;
      }
      logger.error({ err, method, path: pathname }, "unhandled error");
      status = send(res, {
        status: 500,
        body: { code: "internal_error", message: "internal error" },
      });
    } finally {
      metrics.recordRequest(method, log.route, typeof status === "number" ? status : 0);
      logger.info(
        { ...log, status, ms: Math.round((performance.now() - started) * 10) / 10 },
        "request",
      );
    }
  }

  async function execute(route: Route, ctx: RouteContext): Promise<ExecutedResult> {
    try {
      return { ...(await route.handle(ctx)), replayable: true };
    } catch (err) {
      // Typed refusals are answers, and get stored for replay like any other; a validation
      // failure executed nothing, so the client may fix the body and reuse its key.
      if (err instanceof SimError) {
        return {
          status: err.status,
          body: err.toBody(),
          headers: err.headers,
          replayable: !(err instanceof ValidationError),
        };
      }
      throw err;
    }
  }

  return {
    server,
    store,
    payswiftStore,
    listen(port, host = "127.0.0.1") {
      if (!isLoopbackUrl(`http://${host.includes(":") ? `[${host}]` : host}/`)) {
        return Promise.reject(new Error(`payment-sim listens on loopback only, not ${host}`));
      }
      return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          listening = true;
          const addr = server.address() as AddressInfo;
          const h = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
          resolve(`http://${h}:${addr.port}`);
        });
      });
    },
    listenMutualTls(port, host, tls) {
      if (!isLoopbackUrl(`http://${host.includes(":") ? `[${host}]` : host}/`)) {
        return Promise.reject(new Error(`payment-sim listens on loopback only, not ${host}`));
      }
      const https = createHttpsServer(mutualTlsServerOptions(tls), (req, res) => {
        void handle(req, res, "mutual");
      });
      // A rotated pair is taken for new handshakes; open connections keep theirs.
      const unwatch = watchServiceTls(tls, (m) => https.setSecureContext(m));
      return new Promise((resolve, reject) => {
        https.once("error", reject);
        https.listen(port, host, () => {
          https.off("error", reject);
          mutual = { server: https, unwatch };
          const addr = https.address() as AddressInfo;
          const h = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
          resolve(`https://${h}:${addr.port}`);
        });
      });
    },
    async close() {
      closing.abort();
      scheduler.cancelAll();
      await dispatcher.idle();
      if (mutual) {
        const m = mutual;
        m.unwatch();
        await new Promise<void>((resolve) => {
          m.server.close(() => resolve());
          m.server.closeAllConnections();
        });
      }
      if (!server.listening) return;
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      listening = false;
    },
    webhooksIdle: () => dispatcher.idle(),
  };
}

/** Bearer tokens for the card provider and admin; PaySwift sends its key in a header of its own. */
function authorized(req: IncomingMessage, kind: NonNullable<Route["auth"]>, token: string): boolean {
  if (kind !== "payswift-key") return bearerMatches(req.headers.authorization, token);
  const key = req.headers[PAYSWIFT_KEY_HEADER];
  return typeof key === "string" && bearerMatches(`Bearer ${key}`, token);
}

function send(res: ServerResponse, result: HttpResult): number {
  if (res.destroyed || res.headersSent) return result.status;
  const text = typeof result.body === "string" ? result.body : JSON.stringify(result.body);
  res.writeHead(result.status, {
    "content-type": "application/json; charset=utf-8",
    ...result.headers,
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
  return result.status;
}
