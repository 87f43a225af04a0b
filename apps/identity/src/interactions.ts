/**
 * The provider's interactions (authorization code flow): sign-in checks the same accounts,
 * passwords (argon2id, `verifyCredentials` of @agora/auth) and sign-in throttle (per account and
 * per address, before any password is checked) as the apps' own sign-in did; sign-up creates a
 * shopper account as the storefront's form did (`signUp` of @agora/api, the same answer for a new
 * and an existing address) and signs it in; consent is implicit, because every relying party is
 * one of Agora's own apps (registered in provider.ts). A finished sign-in carries the user's
 * session epoch to the resume, where login-epochs.ts binds the provider session to it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { signUp, signUpInput } from "@agora/api/sign-up";
import { signInThrottle } from "@agora/api/sign-in-throttle";
import { type SignInThrottle, SignInThrottledError, verifyCredentials } from "@agora/auth";
import type Provider from "oidc-provider";
import { LOGIN_EPOCH_RESULT } from "./login-epochs.ts";
import { signInPage } from "./pages/sign-in-page.ts";
import { signUpPage } from "./pages/sign-up-page.ts";

const MAX_FORM_BYTES = 4 * 1024;

export interface InteractionOptions {
  /** Origins the sign-in form's redirects may end on (the apps' callbacks), for the CSP. */
  formTargets: readonly string[];
  /** Default: the apps' throttle (Redis windows per account and address, @agora/api). */
  throttle?: SignInThrottle;
}

let sharedThrottle: SignInThrottle | undefined;

async function readForm(req: IncomingMessage): Promise<URLSearchParams | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) return null;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function html(
  res: ServerResponse,
  status: number,
  body: string,
  opts: InteractionOptions,
  extra: Record<string, string> = {},
): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    // The form posts here; its answer redirects through the provider to the app's callback, and
    // browsers hold those redirects to form-action too.
    "content-security-policy": `default-src 'none'; style-src 'self'; form-action 'self' ${opts.formTargets.join(" ")}; frame-ancestors 'none'; base-uri 'none'`,
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    ...extra,
  });
  res.end(body);
}

/**
 * The attempt's client address for the throttle. Browsers reach the provider directly (it is not
 * behind the HTTP edge), so the socket's peer is the client; a client-sent X-Forwarded-For is
 * never trusted here, or rotating it would escape the per-address window.
 */
function attemptHeaders(req: IncomingMessage): Headers {
  const h = new Headers();
  h.set("x-forwarded-for", req.socket.remoteAddress ?? "unknown");
  return h;
}

const throttledMessage = (s: number) => `Too many sign-in attempts. Try again in ${s} s.`;

/** Handles `/interaction/<uid>[/login|/signup]`; returns false for any other path. */
export async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  opts: InteractionOptions,
): Promise<boolean> {
  const throttle = opts.throttle ?? (sharedThrottle ??= signInThrottle());
  const match = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/login|\/signup)?$/.exec(
    new URL(req.url ?? "/", "http://x").pathname,
  );
  if (!match) return false;
  const uid = match[1]!;
  const action = match[2];
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    html(res, 400, "<p>This sign-in link is no longer valid; start again from the app.</p>", opts);
    return true;
  }
  const client = await provider.Client.find(String(details.params.client_id));
  const clientName = client?.clientName ?? "Agora";

  if (details.prompt.name === "consent") {
    // First-party apps only: grant what they asked for, without a consent screen.
    const accountId = details.session?.accountId;
    if (!accountId || !client) {
      html(res, 400, "<p>Sign in again from the app.</p>", opts);
      return true;
    }
    const grant = details.grantId
      ? ((await provider.Grant.find(details.grantId)) ??
        new provider.Grant({ accountId, clientId: client.clientId }))
      : new provider.Grant({ accountId, clientId: client.clientId });
    grant.addOIDCScope(String(details.params.scope ?? "openid"));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
    return true;
  }

  if (req.method !== "POST") {
    const wantsSignUp =
      action === "/signup" || (!action && details.params.screen_hint === "signup");
    const hint = typeof details.params.login_hint === "string" ? details.params.login_hint : "";
    html(
      res,
      200,
      wantsSignUp ? signUpPage({ uid, clientName }) : signInPage({ uid, clientName, email: hint }),
      opts,
    );
    return true;
  }

  const form = await readForm(req);
  const email = form?.get("email")?.trim().toLowerCase() ?? "";
  const password = form?.get("password") ?? "";
  const name = form?.get("name") ?? "";
  const page = (error: string) =>
    action === "/signup"
      ? signUpPage({ uid, clientName, name, email, error })
      : signInPage({ uid, clientName, email, error });

  let input: { email: string; name: string; password: string } | null = null;
  if (action === "/signup") {
    const parsed = signUpInput.safeParse({ email, name, password });
    if (!parsed.success) {
      html(
        res,
        422,
        page(
          "Check the fields: a valid email, your name, and a password of at least 8 characters.",
        ),
        opts,
      );
      return true;
    }
    input = parsed.data;
  }

  try {
    await throttle.admit({ email: input?.email ?? email, headers: attemptHeaders(req) });
  } catch (err) {
    if (!(err instanceof SignInThrottledError)) throw err;
    html(res, 429, page(throttledMessage(err.retryAfterSeconds)), opts, {
      "retry-after": String(err.retryAfterSeconds),
    });
    return true;
  }
  // Sign-up answers a new and an existing address alike; only the sign-in after it tells them
  // apart, and it says no more than a wrong password would (see @agora/api sign-up.ts).
  if (input) await signUp(input);
  const user = await verifyCredentials(input ?? { email, password });
  if (!user) {
    html(
      res,
      401,
      page(
        input
          ? "We could not sign you in with this email and password. If you already have an account, sign in with its password."
          : "Wrong email or password.",
      ),
      opts,
    );
    return true;
  }
  await throttle.succeeded?.({ email: user.email, headers: attemptHeaders(req) });
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.id }, [LOGIN_EPOCH_RESULT]: user.epoch },
    { mergeWithLastSubmission: false },
  );
  return true;
}
