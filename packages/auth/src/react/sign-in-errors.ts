import { throttledRetryAfter } from "../sign-in-throttle.ts";

/** next-auth error codes (from `?error=` or `signIn()`) → what the person reading it can do. */
export function signInErrorMessage(code: string | null | undefined): string | null {
  if (!code) return null;
  const wait = throttledRetryAfter(code);
  if (wait !== null) return `Too many sign-in attempts. Try again in ${wait} s.`;
  switch (code) {
    case "CredentialsSignin":
      return "That email and password do not match an account. Check both and try again.";
    case "SessionRequired":
      return "Please sign in to continue.";
    case "AccessDenied":
      return "Sign-in was cancelled or refused. Start again to sign in.";
    case "OAuthCallback":
    case "Callback":
      // The provider's answer did not check out (expired state, a session revoked meanwhile).
      return "That sign-in did not complete. Please sign in again.";
    default:
      // Anything else (database unreachable, misconfiguration) is on our side, not the user's.
      return "Sign-in is unavailable right now. Please try again in a moment.";
  }
}

/** Only same-app paths: `?callbackUrl=https://evil.example` must not become a redirect. */
export function safeCallbackUrl(value: string | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\"))
    return "/";
  return value.startsWith("/signin") ? "/" : value;
}
