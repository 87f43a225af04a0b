/**
 * The provider's side of the external two-phase protocol: authorize (hold funds), then either
 * capture (once, full or partial) or void; refunds after capture, never more than captured.
 * Each operation is a synchronous read-check-write on the store, so two concurrent captures of
 * one payment cannot both charge.
 */
import { randomBytes } from "node:crypto";
import { delay, type Clock, type Scheduler } from "../clock.ts";
import { SimError } from "../http/errors.ts";
import type { SimStore } from "../store.ts";
import type { AuthorizeBody, CaptureBody, PaymentMethodBody, RefundBody } from "./schemas.ts";
import { cardOutcome, summarizeCard } from "./test-cards.ts";
import type { LedgerEntry, Payment, PaymentMethod, Refund } from "./types.ts";

export interface PaymentServiceDeps {
  store: SimStore;
  clock: Clock;
  scheduler: Scheduler;
  /** How long the processing-timeout test card hangs before answering 504. */
  processingTimeoutMs: number;
  /** Prefix of payment ids, so two providers' ids never look alike. Default `pay`. */
  paymentIdPrefix?: string;
}

export interface OrderCaptureSummary {
  orderId: string;
  captureCount: number;
  capturedCents: number;
  refundedCents: number;
  paymentIds: string[];
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}

export class PaymentService {
  constructor(private readonly deps: PaymentServiceDeps) {}

  private nowIso(): string {
    return new Date(this.deps.clock.now()).toISOString();
  }

  /**
   * The hosted card step: keeps the card behind a new `pm_…` token and answers with the token and
   * a summary only. Whether the card will authorize is decided later, at authorization, so the
   * test cards keep their scripted outcomes through the token.
   */
  createPaymentMethod(body: PaymentMethodBody): PaymentMethod {
    const { number, expMonth, expYear } = body.card;
    const method: PaymentMethod = {
      id: newId("pm"),
      object: "payment_method",
      card: summarizeCard(body.card),
      createdAt: this.nowIso(),
    };
    this.deps.store.paymentMethods.put(method.id, {
      ...method,
      vault: { number, expMonth, expYear },
    });
    return method;
  }

  private cardOf(body: AuthorizeBody): { number: string; expMonth: number; expYear: number } {
    if (body.card) return body.card;
    const id = body.paymentMethodId ?? "";
    const stored = this.deps.store.paymentMethods.get(id);
    if (!stored) throw new SimError(404, "payment_method_not_found", `no payment method ${id}`);
    return stored.vault;
  }

  /** Resolves with the payment (status `authorized` or `declined`); rejects with 504 for the timeout card. */
  async authorize(body: AuthorizeBody, signal: AbortSignal): Promise<Payment> {
    const card = this.cardOf(body);
    const outcome = cardOutcome(card, new Date(this.deps.clock.now()));
    if (outcome.kind === "processing_timeout") {
      await delay(this.deps.scheduler, this.deps.processingTimeoutMs, signal);
      throw new SimError(
        504,
        "processing_timeout",
        "the card network did not answer in time; no funds were held",
      );
    }
    const payment: Payment = {
      id: newId(this.deps.paymentIdPrefix ?? "pay"),
      object: "payment",
      orderId: body.orderId,
      status: outcome.kind === "authorize" ? "authorized" : "declined",
      amountCents: body.amountCents,
      currency: body.currency,
      card: summarizeCard(card),
      declineCode: outcome.kind === "decline" ? outcome.code : null,
      capture: null,
      capturedCents: 0,
      refundedCents: 0,
      refunds: [],
      createdAt: this.nowIso(),
      voidedAt: null,
    };
    this.deps.store.payments.put(payment.id, payment);
    return payment;
  }

  get(id: string): Payment {
    const payment = this.deps.store.payments.get(id);
    if (!payment) throw new SimError(404, "payment_not_found", `no payment ${id}`);
    return payment;
  }

  listByOrder(orderId: string): Payment[] {
    return this.list().filter((p) => p.orderId === orderId);
  }

  /** Every payment, oldest first: what a reconciliation reads. */
  list(): Payment[] {
    return this.deps.store.payments.values().sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /**
   * Captures at most once. A repeat capture (same or no amount) returns the existing capture
   * unchanged; a repeat asking for a different amount is refused, still without charging.
   */
  capture(id: string, body: CaptureBody): Payment {
    const payment = this.get(id);
    if (payment.capture) {
      if (body.amountCents === undefined || body.amountCents === payment.capture.amountCents)
        return payment;
      throw new SimError(409, "payment_already_captured", `payment ${id} was already captured`, {
        capture: payment.capture,
      });
    }
    if (payment.status === "declined") {
      throw new SimError(
        409,
        "payment_not_capturable",
        `payment ${id} was declined (${payment.declineCode})`,
      );
    }
    if (payment.status === "voided") {
      throw new SimError(409, "payment_voided", `payment ${id} was voided and cannot be captured`);
    }
    const amount = body.amountCents ?? payment.amountCents;
    if (amount > payment.amountCents) {
      throw new SimError(
        422,
        "amount_exceeds_authorized",
        `cannot capture ${amount}: only ${payment.amountCents} authorized`,
        {
          authorizedCents: payment.amountCents,
        },
      );
    }
    const capture = { id: newId("cap"), amountCents: amount, capturedAt: this.nowIso() };
    const captured: Payment = { ...payment, status: "captured", capture, capturedCents: amount };
    this.deps.store.payments.put(id, captured);
    this.appendLedger({ type: "capture", id: capture.id, payment: captured, amountCents: amount });
    return captured;
  }

  /** Releases the hold. Only before capture; voiding twice returns the voided payment. */
  void(id: string): Payment {
    const payment = this.get(id);
    if (payment.status === "voided") return payment;
    if (payment.capture) {
      throw new SimError(
        409,
        "payment_already_captured",
        `payment ${id} was captured; refund it instead`,
      );
    }
    if (payment.status === "declined") {
      throw new SimError(
        409,
        "payment_not_voidable",
        `payment ${id} was declined; nothing is held`,
      );
    }
    const voided: Payment = { ...payment, status: "voided", voidedAt: this.nowIso() };
    this.deps.store.payments.put(id, voided);
    return voided;
  }

  /** Refunds part or all of the captured amount; the refunds never add up to more than was captured. */
  refund(id: string, body: RefundBody): { refund: Refund; payment: Payment } {
    const payment = this.get(id);
    if (!payment.capture) {
      throw new SimError(
        409,
        "payment_not_captured",
        `payment ${id} has no capture to refund (status ${payment.status})`,
      );
    }
    const refundable = payment.capturedCents - payment.refundedCents;
    if (refundable === 0) {
      throw new SimError(409, "payment_fully_refunded", `payment ${id} is already fully refunded`);
    }
    const amount = body.amountCents ?? refundable;
    if (amount > refundable) {
      throw new SimError(
        422,
        "refund_exceeds_captured",
        `cannot refund ${amount}: ${payment.capturedCents} captured, ${payment.refundedCents} already refunded`,
        {
          capturedCents: payment.capturedCents,
          refundedCents: payment.refundedCents,
          refundableCents: refundable,
        },
      );
    }
    const refund: Refund = {
      id: newId("re"),
      object: "refund",
      paymentId: id,
      amountCents: amount,
      reason: body.reason ?? null,
      createdAt: this.nowIso(),
    };
    const refundedCents = payment.refundedCents + amount;
    const updated: Payment = {
      ...payment,
      refunds: [...payment.refunds, refund],
      refundedCents,
      status: refundedCents === payment.capturedCents ? "refunded" : "partially_refunded",
    };
    this.deps.store.payments.put(id, updated);
    this.appendLedger({ type: "refund", id: refund.id, payment: updated, amountCents: amount });
    return { refund, payment: updated };
  }

  /** Per-order totals from the ledger: a correct checkout leaves `captureCount` at most 1. */
  captureSummary(orderId?: string): OrderCaptureSummary[] {
    const byOrder = new Map<string, OrderCaptureSummary>();
    for (const e of this.deps.store.ledger.entries()) {
      if (orderId !== undefined && e.orderId !== orderId) continue;
      const s = byOrder.get(e.orderId) ?? {
        orderId: e.orderId,
        captureCount: 0,
        capturedCents: 0,
        refundedCents: 0,
        paymentIds: [],
      };
      if (e.type === "capture") {
        s.captureCount += 1;
        s.capturedCents += e.amountCents;
        if (!s.paymentIds.includes(e.paymentId)) s.paymentIds.push(e.paymentId);
      } else {
        s.refundedCents += e.amountCents;
      }
      byOrder.set(e.orderId, s);
    }
    return [...byOrder.values()];
  }

  private appendLedger(e: {
    type: LedgerEntry["type"];
    id: string;
    payment: Payment;
    amountCents: number;
  }): void {
    this.deps.store.ledger.append({
      type: e.type,
      id: e.id,
      paymentId: e.payment.id,
      orderId: e.payment.orderId,
      amountCents: e.amountCents,
      currency: e.payment.currency,
      at: this.nowIso(),
    });
  }
}
