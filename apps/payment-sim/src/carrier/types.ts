export const shipmentStatuses = [
  "label_created",
  "picked_up",
  "in_transit",
  "out_for_delivery",
  "delivered",
] as const;

export type ShipmentStatus = (typeof shipmentStatuses)[number];

export interface Address {
  name: string;
  line1: string;
  line2?: string | undefined;
  city: string;
  postalCode: string;
  country: string;
}

export interface ShipmentEvent {
  id: string;
  type: "shipment.status_changed";
  trackingNumber: string;
  orderId: string;
  vendorId: string;
  status: ShipmentStatus;
  /** 1 for label_created, 5 for delivered: receivers can drop stale or duplicate events. */
  sequence: number;
  occurredAt: string;
}

export interface WebhookDelivery {
  eventId: string;
  status: ShipmentStatus;
  state: "pending" | "delivered" | "failed";
  attempts: number;
  lastError: string | null;
  deliveredAt: string | null;
}

export interface Shipment {
  trackingNumber: string;
  object: "shipment";
  orderId: string;
  vendorId: string;
  address: Address;
  webhookUrl: string;
  status: ShipmentStatus;
  history: { status: ShipmentStatus; at: string }[];
  deliveries: WebhookDelivery[];
  createdAt: string;
}
