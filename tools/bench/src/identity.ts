/**
 * Who a simulated client is, as the edge sees it: the one place that decides. Per-client limits
 * (the API's rate limiter keys anonymous callers by client address) must act per simulated client,
 * not on the whole bench as one caller.
 *
 * Today HAProxy's `option forwardfor` appends the peer address to an incoming X-Forwarded-For, and
 * the API takes the first hop, so a client address is sent as that header. When the edge stops
 * trusting a client-supplied hop, switch `IDENTITY_MECHANISM` (or `AGORA_BENCH_IDENTITY`) to
 * `source-address`: each client then connects from its own loopback address (127.0.0.0/8 is all
 * local on Linux), which the edge records itself.
 */
export type IdentityMechanism = "forwarded-for" | "source-address";

export const IDENTITY_MECHANISM: IdentityMechanism = parseMechanism(
  process.env.AGORA_BENCH_IDENTITY,
);

function parseMechanism(value: string | undefined): IdentityMechanism {
  if (value === undefined || value === "" || value === "forwarded-for") return "forwarded-for";
  if (value === "source-address") return "source-address";
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
}
