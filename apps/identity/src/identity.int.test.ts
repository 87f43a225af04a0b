/**
 * The identity provider and the vendor REST API together, over HTTP on loopback ports, against the
 * real topology: a vendor API key used as an OAuth client (client_credentials) gets a JWT access
 * token the REST API accepts (scopes narrowed to the ones asked for), refused with a wrong secret;
 * expired, forged and wrong-audience tokens are 401; revoking the key ends its tokens at once;
 * a rotated signing key keeps the old key published, so earlier tokens still verify.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { closeApiRedis } from "@agora/api/cache";
import { hashKey } from "@agora/api/vendor-api-keys";
import type { AgoraSession } from "@agora/auth";
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

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as { port: number };
  await new Promise((r) => s.close(r));
  return port;
}

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
  owner = createCaller({ headers: new Headers(), session });
  await owner.vendor.warehouses.create({ code: "MAIN", name: "Main" });

  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  redis = new Redis(redisOptions({ connectionName: "identity-test", maxRetriesPerRequest: 1 }));
  idp = await createIdentityServer({
    issuer,
    redis,
    cookieKeys: ["identity test cookie secret, 32+ characters long"],
    rotateAfterMs: ROTATE_MS,
    relyingParties: [
      {
        clientId: "agora-ops-console",
        clientName: "Agora ops console",
        secretHash: hashKey(RP_SECRET),
        redirectUris: [REDIRECT],
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

  async function signIn(password: string, opts: { challenge?: string } = {}) {
    const jar = new Jar();
    const auth = new URL(`${issuer}/auth`);
    auth.search = new URLSearchParams({
      client_id: "agora-ops-console",
      response_type: "code",
      scope: "openid email profile",
      redirect_uri: REDIRECT,
      state: "s-1",
      ...(opts.challenge === ""
        ? {}
        : { code_challenge: opts.challenge ?? challenge, code_challenge_method: "S256" }),
    }).toString();
    let res = await follow(jar, auth.toString());
    // Refused before any sign-in: the provider sends the error to the app's callback.
    if (res.status !== 303 || res.headers.get("location")!.startsWith(REDIRECT))
      return { jar, res };
    const interaction = res.headers.get("location")!;
    const page = await follow(jar, interaction);
    const form = await page.text();
    expect(form).toContain("Email");
    expect(form).toContain("Password");
    res = await follow(jar, `${interaction}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ email: ownerEmail, password }).toString(),
    });
    // Login → resume → consent (implicit for Agora's own apps) → resume → the app's callback.
    for (let hops = 0; res.status === 303 && hops < 6; hops++) {
      const next = res.headers.get("location")!;
      if (next.startsWith(REDIRECT)) break;
      res = await follow(jar, next);
    }
    return { jar, res };
  }

  async function exchange(code: string, codeVerifier: string | null) {
    const body = new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
    });
    if (codeVerifier) body.set("code_verifier", codeVerifier);
    const res = await fetch(`${issuer}/token`, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`agora-ops-console:${RP_SECRET}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body,
    });
    return (await res.json()) as { id_token?: string; error?: string };
  }

  it("signs a user in with their Agora password and issues an ID token for them", async () => {
    const { res } = await signIn("identity test");
    expect(res.status).toBe(303);
    const callback = new URL(res.headers.get("location")!);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT);
    expect(callback.searchParams.get("state")).toBe("s-1");
    const code = callback.searchParams.get("code")!;
    const tokens = await exchange(code, verifier);
    const claims = JSON.parse(
      Buffer.from(tokens.id_token!.split(".")[1]!, "base64url").toString(),
    ) as {
      sub: string;
      iss: string;
      aud: string;
    };
    expect(claims).toMatchObject({ sub: ownerId, iss: issuer, aud: "agora-ops-console" });
    // The code was used once: a replay is refused.
    expect((await exchange(code, verifier)).error).toBe("invalid_grant");
  });

  it("refuses a wrong password on the form, a code without its PKCE verifier, and a request without PKCE", async () => {
    const wrong = await signIn("not the password");
    expect(wrong.res.status).toBe(401);
    expect(await wrong.res.text()).toContain("Wrong email or password.");

    const { res } = await signIn("identity test");
    const code = new URL(res.headers.get("location")!).searchParams.get("code")!;
    expect((await exchange(code, null)).error).toBe("invalid_grant");

    const noPkce = await signIn("identity test", { challenge: "" });
    const location = noPkce.res.headers.get("location") ?? "";
    expect(new URL(location).searchParams.get("error")).toBe("invalid_request");
  });
});
