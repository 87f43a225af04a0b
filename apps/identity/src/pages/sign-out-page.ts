/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0, oidc-provider's end_session): an
 * app's sign-out sends the browser to `<issuer>/session/end`, which asks the browser to confirm
 * with oidc-provider's own form (its xsrf token stops another site from signing people out). The
 * page submits that form by itself (a nonce'd script, the only script the provider serves); without
 * scripts the person presses the button. `logout=yes` ends the whole provider session, not only
 * the calling app's grant.
 */
import { randomBytes } from "node:crypto";
import { escapeHtml, pageShell, submitButton } from "./page-shell.ts";

/** oidc-provider's `<form id="op.logoutForm" …>` with the xsrf field, made to end the session. */
export function signOutPage(opForm: string, nonce: string): string {
  const form = opForm.replace("</form>", `<input type="hidden" name="logout" value="yes">${submitButton("Sign out")}</form>`);
  return pageShell({
    title: "Signing out",
    brand: "Agora",
    heading: "Signing you out",
    intro: "You are being signed out of the shop, the vendor portal and the ops console.",
    body: `${form}
<script nonce="${escapeHtml(nonce)}">document.getElementById("op.logoutForm").submit();</script>`,
  });
}

export function signedOutPage(): string {
  return pageShell({
    title: "Signed out",
    brand: "Agora",
    heading: "You are signed out",
    intro: "You can close this page, or sign in again from any Agora app.",
    body: "",
  });
}

/** The CSP of the sign-out page: its one script by nonce, the form back to here and to the apps. */
export function signOutHeaders(formTargets: readonly string[]): { nonce: string; csp: string } {
  const nonce = randomBytes(16).toString("base64");
  return {
    nonce,
    csp: `default-src 'none'; style-src 'self'; script-src 'nonce-${nonce}'; form-action 'self' ${formTargets.join(" ")}; frame-ancestors 'none'; base-uri 'none'`,
  };
}
