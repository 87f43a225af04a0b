/**
 * The carrier: a shipment moves label_created → picked_up → in_transit → out_for_delivery →
 * delivered, one step every `stepMs`, and every status is announced to the shipment's webhook.
 */
import { randomBytes } from "node:crypto";
import type { Clock, Scheduler } from "../clock.ts";
import { SimError } from "../http/errors.ts";
import { newId } from "../payments/service.ts";
import type { SimStore } from "../store.ts";
import type { CreateShipmentBody } from "./schemas.ts";
import {
  shipmentStatuses,
  type Shipment,
  type ShipmentEvent,
  type ShipmentStatus,
} from "./types.ts";
import type { WebhookDispatcher } from "./webhook-dispatcher.ts";

export interface CarrierServiceDeps {
  store: SimStore;
  clock: Clock;
  scheduler: Scheduler;
  dispatcher: WebhookDispatcher;
  /** Time between two status changes. */
  stepMs: number;
}

export class CarrierService {
  constructor(private readonly deps: CarrierServiceDeps) {}

  create(body: CreateShipmentBody): Shipment {
    const now = this.iso();
    const shipment: Shipment = {
      trackingNumber: `TRK${randomBytes(6).toString("hex").toUpperCase()}`,
      object: "shipment",
      orderId: body.orderId,
      vendorId: body.vendorId,
      address: body.address,
      webhookUrl: body.webhookUrl,
      status: "label_created",
      history: [{ status: "label_created", at: now }],
      deliveries: [],
      createdAt: now,
    };
    this.deps.store.shipments.put(shipment.trackingNumber, shipment);
    this.announce(shipment);
    this.scheduleNext(shipment.trackingNumber);
    return this.get(shipment.trackingNumber);
  }

  get(trackingNumber: string): Shipment {
    const shipment = this.deps.store.shipments.get(trackingNumber);
    if (!shipment) throw new SimError(404, "shipment_not_found", `no shipment ${trackingNumber}`);
    return shipment;
  }

  /** After a restart from a snapshot, undelivered shipments pick up their schedule again. */
  resume(): void {
    for (const s of this.deps.store.shipments.values()) {
      if (s.status !== "delivered") this.scheduleNext(s.trackingNumber);
    }
  }

  private scheduleNext(trackingNumber: string): void {
    this.deps.scheduler.schedule(this.deps.stepMs, () => this.advance(trackingNumber));
  }

  private advance(trackingNumber: string): void {
    const shipment = this.deps.store.shipments.get(trackingNumber);
    if (!shipment) return;
    const next = shipmentStatuses[shipmentStatuses.indexOf(shipment.status) + 1];
    if (!next) return;
    const moved: Shipment = {
      ...shipment,
      status: next,
      history: [...shipment.history, { status: next, at: this.iso() }],
    };
    this.deps.store.shipments.put(trackingNumber, moved);
    this.announce(moved);
    if (next !== "delivered") this.scheduleNext(trackingNumber);
  }

  private announce(shipment: Shipment): void {
    const event: ShipmentEvent = {
      id: newId("evt"),
      type: "shipment.status_changed",
      trackingNumber: shipment.trackingNumber,
      orderId: shipment.orderId,
      vendorId: shipment.vendorId,
      status: shipment.status,
      sequence: sequenceOf(shipment.status),
      occurredAt: this.iso(),
    };
    const current = this.get(shipment.trackingNumber);
    this.deps.store.shipments.put(shipment.trackingNumber, {
      ...current,
      deliveries: [
        ...current.deliveries,
        {
          eventId: event.id,
          status: event.status,
          state: "pending",
          attempts: 0,
          lastError: null,
          deliveredAt: null,
        },
      ],
    });
    this.deps.dispatcher.enqueue(shipment.webhookUrl, event);
  }

  private iso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}

function sequenceOf(status: ShipmentStatus): number {
  return shipmentStatuses.indexOf(status) + 1;
}
