/**
 * The carrier (our simulator's `/v1/shipments`) behind one circuit breaker: per-attempt timeout,
 * bounded jittered retry, and an Idempotency-Key per (order, vendor), so a retried ship asks for
 * the same shipment and gets the same tracking number instead of a second parcel.
 */
import { serviceFetch } from "@agora/config/service-tls";
import { loadConfig, servicesSchema } from "@agora/config";
import { createCircuitBreaker, type CircuitBreaker } from "@agora/resilience";
import { z } from "zod";

/** The carrier cannot be reached or answers 5xx: nothing was shipped, try again later. */
export class CarrierUnavailableError extends Error {
  readonly code = "CARRIER_UNAVAILABLE";
  readonly retryable = true;
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = "CarrierUnavailableError";
  }
}

/** A 4xx from the carrier (e.g. an address it refuses): retrying changes nothing. */
export class CarrierRejectedError extends Error {
  readonly code = "CARRIER_REJECTED";
  readonly retryable = false;
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(`carrier refused (${status}): ${message}`);
    this.name = "CarrierRejectedError";
  }
}

export interface ShipmentRequest {
  orderId: string;
  vendorId: string;
  address: { name: string; line1: string; city: string; postalCode: string; country: string };
}

const shipmentSchema = z.object({ trackingNumber: z.string().min(1), status: z.string() });

export interface CarrierClient {
  readonly breaker: CircuitBreaker;
  createShipment(req: ShipmentRequest): Promise<z.infer<typeof shipmentSchema>>;
  dispose(): void;
}

export interface CarrierClientOptions {
  baseUrl: string;
  /** Where the carrier posts its signed status webhooks. */
  webhookUrl: string;
  breakerName?: string;
  timeoutMs?: number;
}

export function createCarrierClient(opts: CarrierClientOptions): CarrierClient {
  const breaker = createCircuitBreaker(opts.breakerName ?? "carrier", {
    trip: { kind: "consecutive", failures: 5 },
    halfOpenAfterMs: 10_000,
    timeoutMs: opts.timeoutMs ?? 3_000,
    retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1_000 },
    isFailure: (err) => !(err instanceof CarrierRejectedError),
    isRetryable: (err) => err instanceof CarrierUnavailableError || err.name === "TimeoutError",
  });
  return {
    breaker,
    createShipment: (req) =>
      breaker.execute(async ({ signal }) => {
        let res: Response;
        try {
          // https: the simulator's API over mutual TLS, with this process's service certificate.
          res = await serviceFetch(`${opts.baseUrl}/v1/shipments`, {
            method: "POST",
            headers: {
              "content-type": "application/json",
              "Idempotency-Key": `${req.orderId}:ship:${req.vendorId}`,
            },
            body: JSON.stringify({ ...req, webhookUrl: opts.webhookUrl }),
            signal,
          });
        } catch (err) {
          if (signal.aborted) throw err;
          throw new CarrierUnavailableError(`POST /v1/shipments: ${(err as Error).message}`, {
            cause: err,
          });
        }
        const text = await res.text();
        if (res.status >= 500) throw new CarrierUnavailableError(`carrier answered ${res.status}`);
        if (!res.ok) throw new CarrierRejectedError(res.status, text.slice(0, 300));
        // Carrier JSON; only the documented fields are read.
        return shipmentSchema.parse(JSON.parse(text));
      }),
    dispose: () => breaker.dispose(),
  };
}

const envSchema = servicesSchema.pick({ AGORA_CARRIER_URL: true, AGORA_CARRIER_WEBHOOK_URL: true }).extend({
  CARRIER_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
});

let shared: CarrierClient | undefined;

/** The API process's one carrier client, configured from the environment. */
export function carrier(): CarrierClient {
  if (shared) return shared;
  const env = loadConfig(envSchema);
  shared = createCarrierClient({
    baseUrl: env.AGORA_CARRIER_URL,
    webhookUrl: env.AGORA_CARRIER_WEBHOOK_URL,
    timeoutMs: env.CARRIER_TIMEOUT_MS,
  });
  return shared;
}
