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

/** A tokenized card, as the provider shows it: never the number, only brand, last 4 and expiry. */
export interface PaymentMethod {
  id: string;
  object: "payment_method";
  card: CardSummary;
  createdAt: string;
}

/**
 * What the provider keeps behind a token. The number and expiry decide the test card's outcome
 * at authorization; the CVC is checked at tokenization only and never stored, as PCI requires.
 */
export interface StoredPaymentMethod extends PaymentMethod {
  vault: { number: string; expMonth: number; expYear: number };
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
