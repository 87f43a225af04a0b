/**
 * The carrier's shipment webhooks: `POST /carrier/webhook`, signed (`Carrier-Signature`, HMAC over
 * timestamp + body). Each event advances one vendor parcel on the order aggregate:
 *   - signature wrong or too old → 401, nothing read;
 *   - the same event id again → 200 "duplicate" (dedupe row in core, same transaction as the events);
 *   - an older status than the parcel has (out of order) → 200 "stale", dropped;
 *   - a tracking number the order does not know yet (its ShipmentCreated is still committing) →
 *     409, and the carrier retries with backoff.
 * "delivered" becomes ShipmentDelivered, and OrderDelivered once every live parcel arrived.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SIGNATURE_HEADER, verifyCarrierSignature } from "@agora/payment-sim";
import { changeOrder, OrderNotFoundError, type OrderEvent } from "@agora/orders";
import { z } from "zod";

export const CARRIER_WEBHOOK_PATH = "/carrier/webhook";
const CONSUMER = "carrier-webhook";
const MAX_BODY_BYTES = 64 * 1024;

export const carrierEventSchema = z.object({
  id: z.string().min(1).max(100),
  type: z.literal("shipment.status_changed"),
  trackingNumber: z.string().min(1).max(100),
  orderId: z.uuid(),
  vendorId: z.uuid(),
  status: z.enum(["label_created", "picked_up", "in_transit", "out_for_delivery", "delivered"]),
  sequence: z.number().int().min(1).max(100),
  occurredAt: z.string().max(64),
});
export type CarrierEvent = z.infer<typeof carrierEventSchema>;

export type CarrierEventOutcome = "applied" | "duplicate" | "stale";

/** The order has no parcel with this tracking number (yet): the carrier should retry. */
export class UnknownShipmentError extends Error {
  readonly code = "UNKNOWN_SHIPMENT";
  constructor(event: CarrierEvent) {
    super(
      `order ${event.orderId} has no shipment ${event.trackingNumber} of vendor ${event.vendorId}`,
    );
    this.name = "UnknownShipmentError";
  }
}

/** Applies one verified carrier event to its order; idempotent per event id and per status. */
export async function applyCarrierEvent(event: CarrierEvent): Promise<CarrierEventOutcome> {
  let outcome: CarrierEventOutcome = "stale";
  await changeOrder(event.orderId, async (state, tx) => {
    outcome = "stale";
    const parcel = state.parcels[event.vendorId];
    if (parcel?.trackingNumber !== event.trackingNumber) throw new UnknownShipmentError(event);
    const seen = await tx.$executeRaw`
      INSERT INTO processed_messages (consumer, message_id) VALUES (${CONSUMER}, ${event.id})
      ON CONFLICT DO NOTHING`;
    if (seen === 0) {
      outcome = "duplicate";
      return [];
    }
    if (parcel.status !== "SHIPPED" || event.sequence <= parcel.carrierSequence) return [];
    outcome = "applied";
    const { vendorId, trackingNumber } = event;
    const next: OrderEvent =
      event.status === "delivered"
        ? { type: "ShipmentDelivered", payload: { vendorId, trackingNumber } }
        : {
            type: "ShipmentProgressed",
            payload: {
              vendorId,
              trackingNumber,
              carrierStatus: event.status,
              sequence: event.sequence,
            },
          };
    return [next];
  });
  return outcome;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

export interface CarrierWebhookServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** Serves the webhook on `port` (0: any free port, for tests). */
export async function startCarrierWebhookServer(opts: {
  port: number;
  host: string;
  secret: string;
  log?: (level: "info" | "warn", fields: Record<string, unknown>) => void;
}): Promise<CarrierWebhookServer> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: Record<string, unknown>) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "GET" && req.url === "/healthz") return reply(200, { ok: true });
    if (req.method !== "POST" || req.url !== CARRIER_WEBHOOK_PATH)
      return reply(404, { error: "not_found" });
    void (async () => {
      const body = await readBody(req);
      const header = req.headers[SIGNATURE_HEADER.toLowerCase()];
      const signature = Array.isArray(header) ? header[0] : header;
      if (
        !verifyCarrierSignature({ secret: opts.secret, header: signature, body, now: Date.now() })
      )
        return reply(401, { error: "bad_signature" });
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch (err) {
        return reply(400, { error: "invalid_json", message: (err as Error).message });
      }
      const parsed = carrierEventSchema.safeParse(json);
      if (!parsed.success)
        return reply(400, { error: "invalid_event", message: parsed.error.message });
      const outcome = await applyCarrierEvent(parsed.data);
      opts.log?.("info", {
        msg: "carrier event",
        event: parsed.data.id,
        status: parsed.data.status,
        outcome,
      });
      return reply(200, { outcome });
    })().catch((err: unknown) => {
      if (err instanceof UnknownShipmentError)
        return reply(409, { error: err.code, message: err.message });
      if (err instanceof OrderNotFoundError)
        return reply(404, { error: err.code, message: err.message });
      opts.log?.("warn", { msg: "carrier event failed", err: String(err) });
      if (!res.headersSent) reply(503, { error: "unavailable" });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${opts.host}:${port}${CARRIER_WEBHOOK_PATH}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
