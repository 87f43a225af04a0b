/**
 * Delivers shipment events to each shipment's webhook URL, signed, in order: one queue per
 * shipment, and an event is sent only once the previous one was delivered or given up. Failed
 * attempts (non-2xx, timeout, refused connection) retry with bounded exponential backoff and
 * jitter; after `maxAttempts` the event is marked failed and the queue moves on.
 */
import type { Logger } from "pino";
import { AbortedError, delay, type Clock, type Scheduler } from "../clock.ts";
import type { SimStore } from "../store.ts";
import { SIGNATURE_HEADER, signCarrierPayload } from "./signature.ts";
import type { ShipmentEvent, WebhookDelivery } from "./types.ts";

export interface WebhookOptions {
  secret: string;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per-attempt timeout of the POST. */
  timeoutMs: number;
}

export interface WebhookDispatcherDeps {
  store: SimStore;
  clock: Clock;
  scheduler: Scheduler;
  random: () => number;
  logger: Logger;
  /** Aborted by `close()`: stops waits and in-flight POSTs. */
  closeSignal: AbortSignal;
  onAttempt?: (outcome: "delivered" | "retry" | "failed") => void;
}

/** Equal jitter: half the exponential step, plus up to the other half at random. */
export function backoffMs(
  attempt: number,
  opts: Pick<WebhookOptions, "baseDelayMs" | "maxDelayMs">,
  random: () => number,
): number {
  const step = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

export class WebhookDispatcher {
  private readonly queues = new Map<string, { url: string; event: ShipmentEvent }[]>();
  private readonly draining = new Map<string, Promise<void>>();

  constructor(
    private readonly opts: WebhookOptions,
    private readonly deps: WebhookDispatcherDeps,
  ) {}

  enqueue(url: string, event: ShipmentEvent): void {
    const queue = this.queues.get(event.trackingNumber) ?? [];
    queue.push({ url, event });
    this.queues.set(event.trackingNumber, queue);
    if (this.draining.has(event.trackingNumber)) return;
    const run = this.drain(event.trackingNumber)
      .catch((err: unknown) => {
        if (err instanceof AbortedError) return; // simulator closing: pending events are dropped
        this.deps.logger.error(
          { err, trackingNumber: event.trackingNumber },
          "webhook queue stopped",
        );
      })
      .finally(() => this.draining.delete(event.trackingNumber));
    this.draining.set(event.trackingNumber, run);
  }

  /** Resolves when every queue is empty (tests, graceful close). */
  async idle(): Promise<void> {
    while (this.draining.size > 0) await Promise.all([...this.draining.values()]);
  }

  private async drain(trackingNumber: string): Promise<void> {
    const queue = this.queues.get(trackingNumber);
    while (queue && queue.length > 0) {
      const next = queue[0] as { url: string; event: ShipmentEvent };
      await this.deliver(next.url, next.event);
      queue.shift();
    }
    this.queues.delete(trackingNumber);
  }

  private async deliver(url: string, event: ShipmentEvent): Promise<void> {
    const body = JSON.stringify(event);
    for (let attempt = 1; attempt <= this.opts.maxAttempts; attempt++) {
      const error = await this.post(url, body, event, attempt);
      if (error === null) {
        this.record(event, {
          state: "delivered",
          attempts: attempt,
          lastError: null,
          deliveredAt: this.iso(),
        });
        this.deps.onAttempt?.("delivered");
        return;
      }
      const last = attempt === this.opts.maxAttempts;
      this.record(event, {
        state: last ? "failed" : "pending",
        attempts: attempt,
        lastError: error,
      });
      this.deps.onAttempt?.(last ? "failed" : "retry");
      this.deps.logger.warn(
        {
          trackingNumber: event.trackingNumber,
          eventId: event.id,
          status: event.status,
          attempt,
          error,
        },
        last ? "webhook delivery failed for good" : "webhook delivery failed, will retry",
      );
      if (!last)
        await delay(
          this.deps.scheduler,
          backoffMs(attempt, this.opts, this.deps.random),
          this.deps.closeSignal,
        );
    }
  }

  /** One POST; returns null on 2xx, else why it failed. */
  private async post(
    url: string,
    body: string,
    event: ShipmentEvent,
    attempt: number,
  ): Promise<string | null> {
    if (this.deps.closeSignal.aborted) throw new AbortedError();
    try {
      const res = await fetch(url, {
        method: "POST",
        body,
        // Never follow a redirect: it could lead off loopback.
        redirect: "manual",
        signal: AbortSignal.any([this.deps.closeSignal, AbortSignal.timeout(this.opts.timeoutMs)]),
        headers: {
          "content-type": "application/json",
          [SIGNATURE_HEADER]: signCarrierPayload(this.opts.secret, body, this.deps.clock.now()),
          "Carrier-Event-Id": event.id,
          "Carrier-Delivery-Attempt": String(attempt),
        },
      });
      await res.arrayBuffer(); // drain so the connection can be reused
      return res.ok ? null : `HTTP ${res.status}`;
    } catch (err) {
      if (this.deps.closeSignal.aborted) throw new AbortedError();
      // A refused connection or a timeout is a failed attempt, not a crash: report and retry.
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      return cause ?? (err as Error).message;
    }
  }

  private record(event: ShipmentEvent, patch: Partial<WebhookDelivery>): void {
    const shipment = this.deps.store.shipments.get(event.trackingNumber);
    if (!shipment) return;
    this.deps.store.shipments.put(shipment.trackingNumber, {
      ...shipment,
      deliveries: shipment.deliveries.map((d) => (d.eventId === event.id ? { ...d, ...patch } : d)),
    });
  }

  private iso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }
}
