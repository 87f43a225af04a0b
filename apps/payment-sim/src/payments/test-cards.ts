/**
 * Card numbers with a scripted outcome, as in Stripe's test mode. Any other number that passes
 * the Luhn check is authorized; one that fails it is declined with `incorrect_number`.
 */
import type { CardSummary, DeclineCode } from "./types.ts";

export type CardOutcome =
  | { kind: "authorize" }
  | { kind: "decline"; code: DeclineCode }
  /** The provider never answers in time: the call hangs, then ends in 504. */
  | { kind: "processing_timeout" };

export const TEST_CARDS = {
  success: "4242424242424242",
  declined: "4000000000000002",
  insufficientFunds: "4000000000009995",
  processingTimeout: "4000000000000119",
} as const;

const SCRIPTED: Record<string, CardOutcome> = {
  [TEST_CARDS.success]: { kind: "authorize" },
  [TEST_CARDS.declined]: { kind: "decline", code: "card_declined" },
  [TEST_CARDS.insufficientFunds]: { kind: "decline", code: "insufficient_funds" },
  [TEST_CARDS.processingTimeout]: { kind: "processing_timeout" },
};

export function cardOutcome(
  card: { number: string; expMonth: number; expYear: number },
  now: Date,
): CardOutcome {
  // Expiry wins over the scripted outcome, as a real issuer would refuse an expired card first.
  const expired =
    card.expYear < now.getUTCFullYear() ||
    (card.expYear === now.getUTCFullYear() && card.expMonth < now.getUTCMonth() + 1);
  if (expired) return { kind: "decline", code: "expired_card" };
  const scripted = SCRIPTED[card.number];
  if (scripted) return scripted;
  return passesLuhn(card.number)
    ? { kind: "authorize" }
    : { kind: "decline", code: "incorrect_number" };
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = Number(digits[i]);
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function summarizeCard(card: {
  number: string;
  expMonth: number;
  expYear: number;
}): CardSummary {
  const n = card.number;
  const brand: CardSummary["brand"] = n.startsWith("4")
    ? "visa"
    : /^5[1-5]/.test(n)
      ? "mastercard"
      : /^3[47]/.test(n)
        ? "amex"
        : "unknown";
  return { brand, last4: n.slice(-4), expMonth: card.expMonth, expYear: card.expYear };
}
