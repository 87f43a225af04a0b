/**
 * Orders taken in a region without saga workers (docs/adr/0010 "Workers in us"): the us storefront
 * commits the order in core (through the region link) with `sagaStart: "outbox"`, and cannot reach
 * the core region's queue. The OrderPlaced outbox row commits with the order, the core region's
 * relay publishes it to `outbox-order.saga-start` a poll later, and this consumer queues the
 * saga's first step — the same job id the storefront would have used, so a duplicate collapses,
 * and every step re-checks the order's events, so one that slips through is a no-op. The
 * recovery sweep stays the backstop.
 */
import type { Processor } from "bullmq";
import { sagaHandOff, type SagaEnqueue } from "@agora/orders";
import { createLogger, inSpan, SpanKind, traceFromHeaders } from "@agora/telemetry";
import { subscriberQueueName, SAGA_HAND_OFF_SUBSCRIBER } from "../../outbox/subscriptions.ts";

const log = createLogger({ service: "workers-sagas" });

export const SAGA_HAND_OFF_QUEUE = subscriberQueueName("order", SAGA_HAND_OFF_SUBSCRIBER);

interface HandOffMessage {
  messageId?: string;
  payload?: unknown;
  headers?: unknown;
}

export function createSagaHandOffProcessor(enqueue: SagaEnqueue): Processor {
  return async (job) => {
    const message = job.data as HandOffMessage;
    const handOff = sagaHandOff(message.payload);
    // The relay routes only hand-offs here; anything else is acknowledged and left alone.
    if (!handOff) return { outcome: "ignored" };
    return inSpan(
      "outbox consume order saga-start",
      {
        kind: SpanKind.CONSUMER,
        parent: traceFromHeaders(message.headers),
        attributes: { "messaging.system": "agora-outbox", "agora.order_id": handOff.orderId },
      },
      async () => {
        await enqueue(handOff.orderId, "reserve-stock");
        log.info({ orderId: handOff.orderId, messageId: message.messageId }, "saga started from the outbox (order placed in another region)");
        return { outcome: "started", orderId: handOff.orderId };
      },
    );
  };
}
