/**
 * The hosted card step: the browser sends the card straight to the payment provider and gets a
 * `pm_…` token back; only the token goes to Agora (`checkout.place`).
 */
export interface CardInput {
  number: string;
  expMonth: number;
  expYear: number;
  cvc: string;
}

/** The token of the provider's answer (`{ id: "pm_…" }`), or null for anything else. */
export function tokenOf(body: unknown): string | null {
  if (typeof body !== "object" || body === null) return null;
  const r = body as Record<string, unknown>;
  const token = r.id ?? r.paymentMethodId;
  return typeof token === "string" && /^pm_[A-Za-z0-9]+$/.test(token) ? token : null;
}

function messageOf(body: unknown): string | null {
  if (typeof body !== "object" || body === null) return null;
  const m = (body as Record<string, unknown>).message;
  return typeof m === "string" ? m : null;
}

export class CardStepError extends Error {
  readonly code: "PROVIDER_UNREACHABLE" | "CARD_REJECTED";
  constructor(code: CardStepError["code"], message: string) {
    super(message);
    this.code = code;
    this.name = "CardStepError";
  }
}

const TIMEOUT_MS = 8_000;

export async function tokenizeCard(tokenizeUrl: string, card: CardInput): Promise<string> {
  let res: Response;
  try {
    res = await fetch(tokenizeUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ card }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new CardStepError(
      "PROVIDER_UNREACHABLE",
      `The payment provider cannot be reached right now (${err instanceof Error ? err.name : "network error"}). Nothing was charged and no order was created — please try again in a minute.`,
    );
  }
  if (res.status >= 500)
    throw new CardStepError(
      "PROVIDER_UNREACHABLE",
      "The payment provider is unavailable right now. Nothing was charged and no order was created — please try again in a minute.",
    );
  const body: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    throw new CardStepError(
      "CARD_REJECTED",
      `Check your card details: ${messageOf(body) ?? res.statusText}`,
    );
  }
  const token = tokenOf(body);
  if (!token)
    throw new CardStepError(
      "PROVIDER_UNREACHABLE",
      "The payment provider gave an unexpected answer.",
    );
  return token;
}
