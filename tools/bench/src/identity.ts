/**
 * Who a simulated client is, as the edge sees it: the one place that decides. Per-client limits
 * (the API's rate limiter keys anonymous callers by client address, sign-in is throttled per
 * address) must act per simulated client, not on the whole bench as one caller.
 *
 * The HAProxy edge sets X-Forwarded-For from the connection itself and the API trusts only that
 * hop, so by default (`source-address`) each client connects from its own loopback address
 * (127.0.0.0/8 is all local on Linux). `forwarded-for` (AGORA_BENCH_IDENTITY) sends the address
 * as a header instead: only for a target whose edge trusts it, e.g. an app without the gateway.
 */
export type IdentityMechanism = "forwarded-for" | "source-address";

export const IDENTITY_MECHANISM: IdentityMechanism = parseMechanism(
  process.env.AGORA_BENCH_IDENTITY,
);

function parseMechanism(value: string | undefined): IdentityMechanism {
  if (value === undefined || value === "" || value === "source-address") return "source-address";
  if (value === "forwarded-for") return "forwarded-for";
  throw new Error(
    `AGORA_BENCH_IDENTITY must be "forwarded-for" or "source-address", got "${value}"`,
  );
}

export interface ClientIdentity {
  /** The address the edge should attribute this client's requests to. */
  address: string;
  /** Headers to send with every request of this client. */
  headers: Record<string, string>;
  /** Local address to bind the client's connections to, when the mechanism needs one. */
  localAddress?: string;
}

/**
 * The n-th client address of a run (n ≥ 0): distinct for 16 M clients. Forwarded addresses come
 * from 10.0.0.0/8; bound source addresses from 127.1.0.1 upwards (127.0.0.1 stays the bench's own).
 */
export function clientAddress(
  n: number,
  mechanism: IdentityMechanism = IDENTITY_MECHANISM,
): string {
  const i = n % 0xff_ffff;
  if (mechanism === "source-address") {
    // Last octet 1..254, second octet ≥ 1: never 127.0.0.x, never a network or broadcast address.
    const rest = Math.floor(i / 254);
    return `127.${1 + (Math.floor(rest / 256) % 255)}.${rest % 256}.${1 + (i % 254)}`;
  }
  return `10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`;
}

export function identityFor(
  n: number,
  mechanism: IdentityMechanism = IDENTITY_MECHANISM,
): ClientIdentity {
  const address = clientAddress(n, mechanism);
  return mechanism === "forwarded-for"
    ? { address, headers: { "x-forwarded-for": address } }
    : { address, headers: {}, localAddress: address };
}

/** Hands out identities in order; a run never reuses one. */
export class IdentityPool {
  private next = 0;
  constructor(private readonly mechanism: IdentityMechanism = IDENTITY_MECHANISM) {}
  take(): ClientIdentity {
    return identityFor(this.next++, this.mechanism);
  }
  get issued(): number {
    return this.next;
  }
  /** For loads that bind connections: the next client's source address, or none (headers only). */
  nextLocalAddress(): (() => string) | undefined {
    if (this.mechanism !== "source-address") return undefined;
    return () => this.take().localAddress!;
  }
}
