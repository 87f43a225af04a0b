/**
 * Sign-in throttling: attempts are counted per account and per client address before any password
 * is checked, so guessing passwords costs the attacker time, not just CPU. The counting store is
 * the caller's (Redis in the apps, see @agora/api/sessions `signInThrottle`).
 */

/** The error code of a throttled sign-in, as next-auth hands it to the form (`?error=`). */
export const SIGN_IN_THROTTLED = "TooManyRequests";

export interface SignInAttempt {
  /** Normalised email, or null when the input is not an email (then only the address counts). */
  email: string | null;
  headers: Headers;
}

export interface SignInThrottle {
  /** Resolves when the attempt may go ahead; rejects with SignInThrottledError when it may not. */
  admit(attempt: SignInAttempt): Promise<void>;
  /**
   * The attempt proved the account's password: its account count starts afresh (nobody is guessing
   * a password they have), so a person signing in often is never locked out of their own account.
   * The address count stays: otherwise one valid account would launder guesses at the others.
   */
  succeeded?(attempt: SignInAttempt): Promise<void>;
}

/** TOO_MANY_REQUESTS for sign-in; the message is what next-auth puts into `?error=`. */
export class SignInThrottledError extends Error {
  readonly code = "TOO_MANY_REQUESTS";
  constructor(readonly retryAfterSeconds: number) {
    super(`${SIGN_IN_THROTTLED}:${retryAfterSeconds}`);
    this.name = "SignInThrottledError";
  }
}

/** The wait a throttled sign-in's error code carries, or null for any other code. */
export function throttledRetryAfter(code: string | null | undefined): number | null {
  const m = /^TooManyRequests:(\d+)$/.exec(code ?? "");
  return m ? Number(m[1]) : null;
}

/**
 * next-auth answers a refused Credentials sign-in with 401 whatever the reason (a redirect, or
 * `{ url }` as JSON for `redirect: false`); a throttled one becomes 429 with Retry-After here, so
 * clients and proxies can tell it from a wrong password.
 */
export async function withThrottleStatus(res: Response): Promise<Response> {
  if (res.status !== 401) return res;
  let target = res.headers.get("location");
  if (!target && res.headers.get("content-type")?.includes("application/json")) {
    const body: unknown = await res.clone().json();
    if (typeof body === "object" && body !== null && "url" in body && typeof body.url === "string")
      target = body.url;
  }
  if (!target) return res;
  const seconds = throttledRetryAfter(
    new URL(target, "http://localhost").searchParams.get("error"),
  );
  if (seconds === null) return res;
  const headers = new Headers(res.headers);
  headers.set("retry-after", String(seconds));
  return new Response(res.body, { status: 429, headers });
}
