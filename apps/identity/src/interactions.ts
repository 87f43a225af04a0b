/**
 * The provider's interactions (authorization code flow): sign-in checks the same accounts,
 * passwords (argon2id, `verifyCredentials` of @agora/auth) and sign-in throttle (per account and
 * per address, before any password is checked) as the apps' own sign-in; consent is implicit,
 * because every relying party is one of Agora's own apps (registered in provider.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { signInThrottle } from "@agora/api/sign-in-throttle";
import { SignInThrottledError, verifyCredentials } from "@agora/auth";
import type Provider from "oidc-provider";
import { loginPage } from "./login-page.ts";

const MAX_FORM_BYTES = 4 * 1024;
const throttle = signInThrottle();

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

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
  });
  res.end(body);
}

function headersOf(req: IncomingMessage): Headers {
  const h = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") h.set(k, v);
  return h;
}

/** Handles `/interaction/<uid>[/login]`; returns false for any other path. */
export async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<boolean> {
  const match = /^\/interaction\/([A-Za-z0-9_-]{1,64})(\/login)?$/.exec(
    new URL(req.url ?? "/", "http://x").pathname,
  );
  if (!match) return false;
  const uid = match[1]!;
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    html(res, 400, "<p>This sign-in link is no longer valid; start again from the app.</p>");
    return true;
  }
  const client = await provider.Client.find(String(details.params.client_id));
  const clientName = client?.clientName ?? "Agora";

  if (details.prompt.name === "consent") {
    // First-party apps only: grant what they asked for, without a consent screen.
    const accountId = details.session?.accountId;
    if (!accountId || !client) {
      html(res, 400, "<p>Sign in again from the app.</p>");
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

  if (!match[2] || req.method !== "POST") {
    html(res, 200, loginPage({ uid, clientName }));
    return true;
  }
  const form = await readForm(req);
  const email = form?.get("email")?.trim().toLowerCase() ?? "";
  const password = form?.get("password") ?? "";
  try {
    await throttle.admit({ email, headers: headersOf(req) });
  } catch (err) {
    if (!(err instanceof SignInThrottledError)) throw err;
    html(
      res,
      429,
      loginPage({
        uid,
        clientName,
        email,
        error: `Too many attempts; try again in ${err.retryAfterSeconds} s.`,
      }),
    );
    return true;
  }
  const user = await verifyCredentials({ email, password });
  if (!user) {
    html(res, 401, loginPage({ uid, clientName, email, error: "Wrong email or password." }));
    return true;
  }
  await throttle.succeeded?.({ email, headers: headersOf(req) });
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId: user.id } },
    { mergeWithLastSubmission: false },
  );
  return true;
}
