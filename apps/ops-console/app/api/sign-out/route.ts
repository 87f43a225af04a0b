import { identityEndSessionUrl } from "@agora/api/app-auth";
import { APP } from "../../../src/auth/config.ts";

/**
 * The last step of signing out (SignOutButton, after the app's own session is gone): the identity
 * provider's end_session, so its session ends too, then back to this app.
 */
export function GET(): Response {
  return Response.redirect(identityEndSessionUrl(APP), 303);
}
