/**
 * The identity provider and the vendor REST API together, over HTTP on loopback ports, against the
 * real topology: a vendor API key used as an OAuth client (client_credentials) gets a JWT access
 * token the REST API accepts (scopes narrowed to the ones asked for), refused with a wrong secret;
 * expired, forged and wrong-audience tokens are 401; revoking the key ends its tokens at once;
 * a rotated signing key keeps the old key published, so earlier tokens still verify. And the apps'
 * browser sign-in: authorization code + PKCE with registered redirect URIs only, one provider
 * session signing the user in to a second app without a password (single sign-on), and a
 * revocation in any app (sign-out, staff removal) ending the provider session and its codes.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { closeApiRedis } from "@agora/api/cache";
import { revokeSessions } from "@agora/api/sessions";
import { signInThrottle } from "@agora/api/sign-in-throttle";
import { hashKey } from "@agora/api/vendor-api-keys";
import { type AgoraSession, SignInThrottledError } from "@agora/auth";
import { closeAll, core, createVendor, hashPassword } from "@agora/db";
import { redisOptions } from "@agora/redis";
import { Redis } from "ioredis";
import { decodeProtectedHeader, generateKeyPair, importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { vendorRouter } from "../../../packages/api/src/router/vendor.ts";
import { createCallerFactory, createTRPCRouter } from "../../../packages/api/src/trpc.ts";
import { type ServedApp, serveApp } from "../../../tests/security/fuzz/app-server.ts";
import { createIdentityServer, type IdentityServer } from "./server.ts";
import { currentKeySet } from "./signing-keys.ts";
import { freePort } from "@agora/infra-local/processes";

vi.mock("server-only", () => ({}));

const createCaller = createCallerFactory(createTRPCRouter({ vendor: vendorRouter }));
const run = randomUUID().slice(0, 8);
const AUDIENCE = "urn:agora:vendor-api";
const ROTATE_MS = 30 * 24 * 60 * 60_000;
let idp: IdentityServer;
let issuer: string;
let portal: ServedApp;
let redis: Redis;
let owner: ReturnType<typeof createCaller>;
let ownerId: string;
let ownerEmail: string;
const RP_SECRET = "ops console client secret for the test";
const REDIRECT = "http://127.0.0.1:9/api/auth/callback/agora";
const PORTAL_SECRET = "vendor portal client secret for the test";
const PORTAL_REDIRECT = "http://127.0.0.1:10/api/auth/callback/agora";
/** Where the provider sends the browser after the console's sign-out (its origin). */
const CONSOLE_SIGNED_OUT = "http://127.0.0.1:9/";
let vendorIdOfOwner: string;
/** The address the throttle test pretends is over its limit (the real windows count the rest). */
const THROTTLED_EMAIL = `throttled-${run}@idp.test`;

beforeAll(async () => {
  const vendorId = (await createVendor({ slug: `idp-${run}`, name: "IdP shop", shard: "shard-1" }))
    .id;
  const email = `owner-${run}@idp.test`;
  const { id: userId } = await core().primary.user.create({
    data: { email, name: "Owner", passwordHash: await hashPassword("identity test") },
  });
  ownerId = userId;
  ownerEmail = email;
  const session: AgoraSession = { userId, email, name: "Owner", roles: ["vendor_owner"], vendorId };
  vendorIdOfOwner = vendorId;
  await core().primary.userRole.create({ data: { userId, roleName: "vendor_owner", vendorId } });
  owner = createCaller({ headers: new Headers(), session });
  await owner.vendor.warehouses.create({ code: "MAIN", name: "Main" });

  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  redis = new Redis(redisOptions({ connectionName: "identity-test", maxRetriesPerRequest: 1 }));
  const realThrottle = signInThrottle();
  idp = await createIdentityServer({
    issuer,
    redis,
    signInThrottle: {
      admit: async (attempt) => {
        if (attempt.email === THROTTLED_EMAIL) throw new SignInThrottledError(42);
        await realThrottle.admit(attempt);
      },
      succeeded: (attempt) => realThrottle.succeeded?.(attempt) ?? Promise.resolve(),
    },
    cookieKeys: ["identity test cookie secret, 32+ characters long"],
    rotateAfterMs: ROTATE_MS,
    relyingParties: [
      {
        clientId: "agora-ops-console",
        clientName: "Agora ops console",
        secretHashes: async () => [hashKey(RP_SECRET)],
        redirectUris: [REDIRECT],
        postLogoutRedirectUris: [CONSOLE_SIGNED_OUT],
      },
      {
        clientId: "agora-vendor-portal",
        clientName: "Agora Vendors",
        secretHashes: async () => [hashKey(PORTAL_SECRET)],
        redirectUris: [PORTAL_REDIRECT],
      },
    ],
  });
  await idp.listen(port, "127.0.0.1");
  process.env.AGORA_IDENTITY_ISSUER = issuer;

  const p = "../../vendor-portal/app/api/v1";
  portal = await serveApp([
    {
      path: /^\/api\/v1\/warehouses$/,
      methods: { GET: (await import(`${p}/warehouses/route.ts`)).GET },
    },
    {
      path: /^\/api\/v1\/stock\/(?<sku>[^/]*)$/,
      methods: { PUT: (await import(`${p}/stock/[sku]/route.ts`)).PUT },
    },
  ]);
});

afterAll(async () => {
  delete process.env.AGORA_IDENTITY_ISSUER;
  await portal?.close();
  await idp?.close();
  await redis?.quit();
  await closeApiRedis();
  await closeAll();
});

async function token(clientId: string, secret: string, scope?: string) {
  const body = new URLSearchParams({ grant_type: "client_credentials", resource: AUDIENCE });
  if (scope) body.set("scope", scope);
  const res = await fetch(`${issuer}/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body,
  });
  return {
    status: res.status,
    body: (await res.json()) as { access_token?: string; error?: string; scope?: string },
  };
}

const warehouses = (credential: string) =>
  fetch(`${portal.url}/api/v1/warehouses`, { headers: { authorization: `Bearer ${credential}` } });

async function newKey(scopes: ("stock:read" | "stock:write" | "orders:read")[]) {
  const { key, apiKey } = await owner.vendor.apiKeys.create({
    name: `idp ${randomUUID().slice(0, 4)}`,
    scopes,
  });
  return { key, id: apiKey.id, clientId: key.slice(4, 16) };
}

describe("identity provider: client_credentials for vendor API keys", () => {
  it("publishes discovery and a JWKS with the signing key", async () => {
    const discovery = (await (
      await fetch(`${issuer}/.well-known/openid-configuration`)
    ).json()) as {
      issuer: string;
      jwks_uri: string;
      grant_types_supported: string[];
    };
    expect(discovery.issuer).toBe(issuer);
    expect(discovery.grant_types_supported).toContain("client_credentials");
    const jwks = (await (await fetch(discovery.jwks_uri)).json()) as {
      keys: { kid: string; d?: string }[];
    };
    expect(jwks.keys.length).toBeGreaterThanOrEqual(1);
    expect(jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });

  it("issues a token the REST API accepts, with only the scopes asked for", async () => {
    const k = await newKey(["stock:read", "stock:write"]);
    const t = await token(k.clientId, k.key, "stock:read");
    expect(t.status).toBe(200);
    expect(t.body.scope).toBe("stock:read");
    expect(decodeProtectedHeader(t.body.access_token!).typ).toBe("at+jwt");
    expect((await warehouses(t.body.access_token!)).status).toBe(200);
    const put = await fetch(`${portal.url}/api/v1/stock/NOPE`, {
      method: "PUT",
      headers: {
        authorization: `Bearer ${t.body.access_token}`,
        "content-type": "application/json",
        "idempotency-key": `idp-${run}`,
      },
      body: JSON.stringify({ warehouseId: randomUUID(), onHand: 1 }),
    });
    expect(put.status).toBe(403);
    // More than the key holds is refused by the provider.
    expect((await token(k.clientId, k.key, "orders:read")).body.error).toBe("invalid_scope");
  });

  it("refuses a wrong secret and an unknown client", async () => {
    const k = await newKey(["stock:read"]);
    expect((await token(k.clientId, `${k.key.slice(0, -1)}x`)).body.error).toBe("invalid_client");
    expect((await token("000000000000", k.key)).body.error).toBe("invalid_client");
  });

  it("refuses expired, forged and wrong-audience tokens with 401", async () => {
    const k = await newKey(["stock:read"]);
    const keys = await currentKeySet(ROTATE_MS);
    const real = await importJWK(keys.signing[0]!, "ES256");
    const claims = { client_id: k.clientId, scope: "stock:read" };
    const sign = (key: CryptoKey | Uint8Array, kid: string, aud: string, exp: number) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid })
        .setIssuer(issuer)
        .setAudience(aud)
        .setSubject(k.clientId)
        .setIssuedAt(exp - 600)
        .setExpirationTime(exp)
        .sign(key);
    const now = Math.floor(Date.now() / 1000);
    const expired = await sign(real as CryptoKey, keys.currentKid, AUDIENCE, now - 120);
    const { privateKey: other } = await generateKeyPair("ES256");
    const forged = await sign(other, keys.currentKid, AUDIENCE, now + 600);
    const wrongAudience = await sign(real as CryptoKey, keys.currentKid, "urn:other", now + 600);
    const genuine = await sign(real as CryptoKey, keys.currentKid, AUDIENCE, now + 600);
    for (const bad of [expired, forged, wrongAudience]) {
      const res = await warehouses(bad);
      expect(res.status).toBe(401);
    }
    expect((await warehouses(genuine)).status).toBe(200);
  });

  it("ends a revoked key's tokens at once and issues it no more", async () => {
    const k = await newKey(["stock:read"]);
    const t = await token(k.clientId, k.key, "stock:read");
    expect((await warehouses(t.body.access_token!)).status).toBe(200);
    await owner.vendor.apiKeys.revoke({ keyId: k.id });
    expect((await warehouses(t.body.access_token!)).status).toBe(401);
    expect((await token(k.clientId, k.key, "stock:read")).body.error).toBe("invalid_client");
  });

  it("rotates the signing key to one already published, and keeps the old one's tokens valid", async () => {
    const k = await newKey(["stock:read"]);
    const before = await token(k.clientId, k.key, "stock:read");
    const oldKid = decodeProtectedHeader(before.body.access_token!).kid;
    // The REST API's JWKS cache holds the key set of before the rotation.
    expect((await warehouses(before.body.access_token!)).status).toBe(200);
    const published = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string }[] };

    // One rotation period after the active key took over (earlier runs may have moved it ahead).
    const active = await core().primary.identitySigningKey.findUniqueOrThrow({
      where: { kid: oldKid! },
    });
    const rotated = await idp.refreshKeys(
      new Date(active.activatedAt!.getTime() + ROTATE_MS + 1_000),
    );
    expect(rotated.currentKid).not.toBe(oldKid);
    expect(published.keys.map((j) => j.kid)).toContain(rotated.currentKid);
    const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((j) => j.kid)).toEqual(
      expect.arrayContaining([oldKid, rotated.currentKid]),
    );

    const after = await token(k.clientId, k.key, "stock:read");
    expect(decodeProtectedHeader(after.body.access_token!).kid).toBe(rotated.currentKid);
    expect((await warehouses(after.body.access_token!)).status).toBe(200);
    expect((await warehouses(before.body.access_token!)).status).toBe(200);
  });
});

/** A browser's cookie jar, enough for the provider's cookies (sent back on every request). */
class Jar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): Response {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return res;
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

interface Rp {
  clientId: string;
  secret: string;
  redirect: string;
}
const CONSOLE: Rp = { clientId: "agora-ops-console", secret: RP_SECRET, redirect: REDIRECT };
const PORTAL: Rp = {
  clientId: "agora-vendor-portal",
  secret: PORTAL_SECRET,
  redirect: PORTAL_REDIRECT,
};

interface IdClaims {
  sub: string;
  iss: string;
  aud: string;
  roles: string[];
  vendor_id: string | null;
  session_epoch: number;
}

describe("identity provider: an app signs a user in (authorization code + PKCE)", () => {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");

  async function follow(jar: Jar, url: string, init: RequestInit = {}): Promise<Response> {
    return jar.take(
      await fetch(new URL(url, issuer), {
        ...init,
        redirect: "manual",
        headers: { ...(init.headers as Record<string, string>), cookie: jar.header() },
      }),
    );
  }

  /** Follows the provider's redirects until the app's callback, or a page that wants the person. */
  async function settle(jar: Jar, res: Response, rp: Rp): Promise<Response> {
    for (let hops = 0; res.status === 303 && hops < 8; hops++) {
      const next = res.headers.get("location")!;
      if (next.startsWith(rp.redirect)) break;
      res = await follow(jar, next);
    }
    return res;
  }

  /** An authorization request from `rp`; answers where it ended (callback, sign-in page, error). */
  async function authorize(
    jar: Jar,
    rp: Rp,
    opts: { challenge?: string; redirect?: string; prompt?: string } = {},
  ) {
    const auth = new URL(`${issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: rp.clientId,
      response_type: "code",
      scope: "openid email profile",
      redirect_uri: opts.redirect ?? rp.redirect,
      state: "s-1",
      ...(opts.prompt ? { prompt: opts.prompt } : {}),
      ...(opts.challenge === ""
        ? {}
        : { code_challenge: opts.challenge ?? challenge, code_challenge_method: "S256" }),
    }).toString();
    return settle(jar, await follow(jar, auth.toString()), rp);
  }

  async function signIn(password: string, opts: { challenge?: string; jar?: Jar; rp?: Rp } = {}) {
    const jar = opts.jar ?? new Jar();
    const rp = opts.rp ?? CONSOLE;
    const start = await authorize(jar, rp, opts);
    // Refused before any sign-in: the provider sends the error to the app's callback.
    if (start.status !== 200) return { jar, res: start };
    const interaction = new URL(start.url).pathname;
    const form = await start.text();
    expect(form).toContain("Email");
    expect(form).toContain("Password");
    const res = await follow(jar, `${interaction}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: ownerEmail, password }).toString(),
    });
    // Login → resume → consent (implicit for Agora's own apps) → resume → the app's callback.
    return { jar, res: await settle(jar, res, rp) };
  }

  const codeOf = (res: Response) => new URL(res.headers.get("location")!).searchParams.get("code")!;

  async function exchange(code: string, codeVerifier: string | null, rp: Rp = CONSOLE) {
    const body = new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: rp.redirect,
    });
    if (codeVerifier) body.set("code_verifier", codeVerifier);
    const res = await fetch(`${issuer}/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${rp.clientId}:${rp.secret}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body,
    });
    return (await res.json()) as { id_token?: string; error?: string };
  }

  const claimsOf = (idToken: string) =>
    JSON.parse(Buffer.from(idToken.split(".")[1]!, "base64url").toString()) as IdClaims;

  it("signs a user in with their Agora password and issues an ID token with their roles, tenant and epoch", async () => {
    const { res } = await signIn("identity test");
    expect(res.status).toBe(303);
    const callback = new URL(res.headers.get("location")!);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect(callback.searchParams.get("state")).toBe("s-1");
    const code = callback.searchParams.get("code")!;
    const tokens = await exchange(code, verifier);
    const claims = claimsOf(tokens.id_token!);
    const { sessionEpoch } = await core().primary.user.findUniqueOrThrow({
      where: { id: ownerId },
    });
    expect(claims).toMatchObject({
      sub: ownerId,
      iss: issuer,
      aud: "agora-ops-console",
      roles: ["vendor_owner"],
      vendor_id: vendorIdOfOwner,
      session_epoch: sessionEpoch,
    });
    // The code was used once: a replay is refused.
    expect((await exchange(code, verifier)).error).toBe("invalid_grant");
  });

  it("refuses a wrong password on the form, a code without its PKCE verifier, and a request without PKCE", async () => {
    const wrong = await signIn("not the password");
    expect(wrong.res.status).toBe(401);
    expect(await wrong.res.text()).toContain("Wrong email or password.");

    const { res } = await signIn("identity test");
    expect((await exchange(codeOf(res), null)).error).toBe("invalid_grant");
    const other = await signIn("identity test");
    const wrongVerifier = randomBytes(32).toString("base64url");
    expect((await exchange(codeOf(other.res), wrongVerifier)).error).toBe("invalid_grant");

    const noPkce = await signIn("identity test", { challenge: "" });
    const location = noPkce.res.headers.get("location") ?? "";
    expect(new URL(location).searchParams.get("error")).toBe("invalid_request");
  });

  it("refuses a redirect URI the app did not register, without redirecting anywhere", async () => {
    for (const redirect of [
      "http://127.0.0.1:9/api/auth/callback/evil",
      "http://evil.example/api/auth/callback/agora",
      PORTAL_REDIRECT, // another app's
    ]) {
      const res = await authorize(new Jar(), CONSOLE, { redirect });
      expect(res.status).toBe(400);
      expect(res.headers.get("location")).toBeNull();
      expect(((await res.json()) as { error: string }).error).toBe("invalid_redirect_uri");
    }
    // And a code is only redeemed for the redirect URI it was issued to.
    const { res } = await signIn("identity test");
    const body = new URLSearchParams({
      grant_type: "authorization_code",
      code: codeOf(res),
      redirect_uri: "http://127.0.0.1:9/elsewhere",
      code_verifier: verifier,
    });
    const token = await fetch(`${issuer}/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`agora-ops-console:${RP_SECRET}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body,
    });
    expect(((await token.json()) as { error: string }).error).toBe("invalid_grant");
  });

  it("signs the user in to a second app without a password (single sign-on)", async () => {
    const { jar, res } = await signIn("identity test");
    expect((await exchange(codeOf(res), verifier)).id_token).toBeTruthy();
    const sso = await authorize(jar, PORTAL);
    expect(sso.status).toBe(303);
    const tokens = await exchange(codeOf(sso), verifier, PORTAL);
    expect(claimsOf(tokens.id_token!)).toMatchObject({ sub: ownerId, aud: "agora-vendor-portal" });
    // A browser without the provider's session is asked for the password.
    expect((await authorize(new Jar(), PORTAL)).status).toBe(200);
  });

  it("refuses a revoked user: after a sign-out elsewhere the provider session asks for the password again and earlier codes are refused", async () => {
    const { jar, res } = await signIn("identity test");
    const before = codeOf(res);
    const pending = await authorize(jar, CONSOLE);
    const unredeemed = codeOf(pending);
    const oldEpoch = claimsOf((await exchange(before, verifier)).id_token!).session_epoch;

    // What an app's sign-out (and a staff removal) does: the user's session epoch moves on.
    await revokeSessions(ownerId);

    // No silent sign-in any more, in this app or another: the sign-in form, or login_required.
    const again = await authorize(jar, PORTAL);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("Password");
    const silent = await authorize(jar, CONSOLE, { prompt: "none" });
    expect(new URL(silent.headers.get("location")!).searchParams.get("error")).toBe(
      "login_required",
    );
    // A code issued before the revocation is refused at the token endpoint.
    expect((await exchange(unredeemed, verifier)).error).toBe("invalid_grant");

    // Signing in again with the password works, under the new epoch.
    const fresh = await signIn("identity test", { jar });
    const claims = claimsOf((await exchange(codeOf(fresh.res), verifier)).id_token!);
    expect(claims.session_epoch).toBeGreaterThan(oldEpoch);
  });

  it("ends the provider session when an app signs out (RP-initiated logout) and sends the browser back to the app", async () => {
    const { jar, res } = await signIn("identity test");
    expect((await exchange(codeOf(res), verifier)).id_token).toBeTruthy();
    // Signed in at the provider: the portal gets a code without a password.
    const signedIn = async () => (await authorize(jar, PORTAL)).headers.get("location") ?? "";
    expect(await signedIn()).toContain("code=");

    const endSession = (postLogout: string) => {
      const end = new URL(`${issuer}/session/end`);
      end.search = new URLSearchParams({ client_id: CONSOLE.clientId, post_logout_redirect_uri: postLogout }).toString();
      return follow(jar, end.toString());
    };
    // A place the console did not register is refused, and nothing is ended.
    const foreign = await endSession("http://evil.example/");
    expect(foreign.status).toBe(400);
    expect(await signedIn()).toContain("code=");

    // The console's sign-out: the provider's confirmation form (submitted by its one nonce'd script).
    const page = await endSession(CONSOLE_SIGNED_OUT);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toMatch(/script-src 'nonce-[^']+'/);
    const html = await page.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    expect(action && xsrf).toBeTruthy();
    expect(html).toContain('name="logout" value="yes"');
    const done = await follow(jar, action!, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ xsrf: xsrf!, logout: "yes" }).toString(),
    });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(CONSOLE_SIGNED_OUT);

    // The provider session is over for every app: no silent sign-in, the password form instead.
    const silent = await authorize(jar, PORTAL, { prompt: "none" });
    expect(new URL(silent.headers.get("location")!).searchParams.get("error")).toBe("login_required");
    const again = await authorize(jar, CONSOLE);
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("Password");
  });

  it("says how long a throttled attempt must wait (429, Retry-After), before any password is checked", async () => {
    const jar = new Jar();
    const start = await authorize(jar, CONSOLE);
    const res = await follow(jar, `${new URL(start.url).pathname}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: THROTTLED_EMAIL, password: "x" }).toString(),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("42");
    const page = await res.text();
    expect(page).toContain("Too many sign-in attempts. Try again in 42 s.");
    // The product's look: the shared Tailwind theme, compiled for the page's classes.
    expect(page).toContain('href="/assets/agora.css"');
    const css = await (await fetch(`${issuer}/assets/agora.css`)).text();
    expect(css).toContain(".bg-brand-600");
    expect(css).toContain("--color-brand-600");
  });

  it("creates a shopper account on the provider's sign-up form and signs it in", async () => {
    const jar = new Jar();
    const auth = new URL(`${issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: CONSOLE.clientId,
      response_type: "code",
      scope: "openid email profile",
      redirect_uri: CONSOLE.redirect,
      state: "s-2",
      screen_hint: "signup",
      code_challenge: challenge,
      code_challenge_method: "S256",
    }).toString();
    const start = await settle(jar, await follow(jar, auth.toString()), CONSOLE);
    expect(await start.text()).toContain("Create an account");
    const signup = `${new URL(start.url).pathname}/signup`;
    const post = (body: Record<string, string>) =>
      follow(jar, signup, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(body).toString(),
      });
    const bad = await post({ name: "New", email: "not-an-email", password: "short" });
    expect(bad.status).toBe(422);
    const email = `new-${run}@idp.test`;
    const done = await settle(
      jar,
      await post({ name: "New Shopper", email, password: "a long passphrase" }),
      CONSOLE,
    );
    expect(done.status).toBe(303);
    const claims = claimsOf((await exchange(codeOf(done), verifier)).id_token!);
    expect(claims.roles).toEqual(["shopper"]);
    expect(claims.vendor_id).toBeNull();
  });

  it("refuses an erased user's provider session and password", async () => {
    const email = `erased-${run}@idp.test`;
    const { id } = await core().primary.user.create({
      data: { email, name: "Gone", passwordHash: await hashPassword("identity test") },
    });
    const jar = new Jar();
    const start = await authorize(jar, CONSOLE);
    const login = await follow(jar, `${new URL(start.url).pathname}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email, password: "identity test" }).toString(),
    });
    const ok = await settle(jar, login, CONSOLE);
    expect(ok.status).toBe(303);
    // What an account deletion does first (packages/api privacy): sign-in and sessions end.
    await core().primary.user.update({
      where: { id },
      data: { passwordHash: "", erasedAt: new Date() },
    });
    await revokeSessions(id);
    expect((await authorize(jar, CONSOLE)).status).toBe(200);
  });
});
