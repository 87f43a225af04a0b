/**
 * Immediate revocation of stateless sessions, the one check every app applies to every role.
 * Every JWT carries the user's session epoch at sign-in; a role change (staff removed, invitation
 * accepted) or a sign-out bumps the epoch in core and writes it through to a fast store (Redis).
 * A session whose epoch is behind the current one is refused on its very next request, in tRPC
 * calls and page loads alike, in whichever app it is presented.
 */
import type { AgoraSession } from "./session.ts";

/** The current epoch per user; rejects when the store cannot answer. */
export interface SessionEpochs {
  current(userId: string): Promise<number>;
  /** Moves the user's epoch on: every session issued before is refused from now on (sign-out). */
  revoke(userId: string): Promise<void>;
}

export interface RevocationPolicy {
  epochs: SessionEpochs;
  /**
   * What a request gets while the epoch cannot be read: `refuse` (vendor and ops apps — a removed
   * member must not keep working during a Redis outage) or `admit` (the shopper storefront, where
   * availability matters more than a minute-old role).
   */
  whenUnavailable: "refuse" | "admit";
  onUnavailable?: (err: unknown) => void;
}

/** The session when it is still current under `policy`, else null (treated as signed out). */
export async function unlessRevoked(
  session: AgoraSession,
  policy: RevocationPolicy,
): Promise<AgoraSession | null> {
  let current: number;
  try {
    current = await policy.epochs.current(session.userId);
  } catch (err) {
    policy.onUnavailable?.(err);
    return policy.whenUnavailable === "admit" ? session : null;
  }
  return (session.epoch ?? 0) >= current ? session : null;
}
