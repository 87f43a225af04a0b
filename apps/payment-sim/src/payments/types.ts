export type PaymentStatus =
  "authorized" | "declined" | "voided" | "captured" | "partially_refunded" | "refunded";

export type DeclineCode =
  "card_declined" | "insufficient_funds" | "expired_card" | "incorrect_number";

export interface CardSummary {
  brand: "visa" | "mastercard" | "amex" | "unknown";
  last4: string;
  expMonth: number;
  expYear: number;
}

export interface Capture {
  id: string;
  amountCents: number;
  capturedAt: string;
}

export interface Refund {
  id: string;
  object: "refund";
  paymentId: string;
  amountCents: number;
  reason: string | null;
  createdAt: string;
}

export interface Payment {
  id: string;
  object: "payment";
  orderId: string;
  status: PaymentStatus;
  /** The authorized amount. */
  amountCents: number;
  currency: string;
  card: CardSummary;
  declineCode: DeclineCode | null;
  /** Set exactly once; a payment is never captured twice. */
  capture: Capture | null;
  capturedCents: number;
  refundedCents: number;
  refunds: Refund[];
  createdAt: string;
  voidedAt: string | null;
}

/** One money movement, appended on every capture and refund; lets tests assert "one capture per order". */
export interface LedgerEntry {
  type: "capture" | "refund";
  id: string;
  paymentId: string;
  orderId: string;
  amountCents: number;
  currency: string;
  at: string;
}
