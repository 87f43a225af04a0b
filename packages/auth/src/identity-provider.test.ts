import { describe, expect, it } from "vitest";
import { authCookies } from "./cookies.ts";
import { identityCallbackUrl } from "./identity-client.ts";
import { agoraIdentityProvider, userFromClaims } from "./identity-provider.ts";
import { authOptions } from "./options.ts";

const sub = "6f1c2a56-9a51-4a4e-8f57-1a0d0b7f6c11";
const vendor = "0b1d8d3c-1d2e-4c4f-9a55-3c9b7e0f2a10";

describe("sign-in through Agora's identity provider", () => {
  it("maps the ID token's claims onto the app's session user (roles, tenant, epoch)", () => {
    expect(
      userFromClaims({
        sub,
        email: "owner@blue-fern.agora.local",
        name: "Olga Owner",
        roles: ["vendor_owner"],
        vendor_id: vendor,
        session_epoch: 3,
        iss: "http://127.0.0.1:1",
        aud: "agora-vendor-portal",
      }),
    ).toEqual({
      id: sub,
      email: "owner@blue-fern.agora.local",
      name: "Olga Owner",
      roles: ["vendor_owner"],
      vendorId: vendor,
      epoch: 3,
    });
  });

  it("drops roles the app does not know and refuses tokens without Agora's claims", () => {
    const base = { sub, email: "a@b.c", name: "A", vendor_id: null, session_epoch: 0 };
    expect(userFromClaims({ ...base, roles: ["shopper", "superuser"] }).roles).toEqual(["shopper"]);
    expect(userFromClaims({ ...base, roles: [] }).vendorId).toBeUndefined();
    expect(() => userFromClaims({ ...base, roles: [], session_epoch: undefined })).toThrow();
    expect(() => userFromClaims({ ...base, sub: "not-a-user-id", roles: [] })).toThrow();
  });

  it("is an OIDC provider with PKCE and state, ES256 ID tokens and discovery from the issuer", () => {
    const p = agoraIdentityProvider({
      issuer: "http://127.0.0.1:21545",
      clientId: "agora-storefront",
      clientSecret: "x".repeat(43),
    });
    expect(p).toMatchObject({
      id: "agora",
      type: "oauth",
      idToken: true,
      checks: ["pkce", "state"],
      wellKnown: "http://127.0.0.1:21545/.well-known/openid-configuration",
      client: { id_token_signed_response_alg: "ES256" },
    });
    expect(identityCallbackUrl("http://127.0.0.1:21910")).toBe(
      "http://127.0.0.1:21910/api/auth/callback/agora",
    );
  });

  it("offers only the provider to people; the direct password endpoint only when turned on", () => {
    const base = {
      app: "storefront" as const,
      secret: "s".repeat(43),
      url: "http://127.0.0.1:1",
      revocation: {
        epochs: { current: async () => 0, revoke: async () => {} },
        whenUnavailable: "admit" as const,
      },
      identity: {
        issuer: "http://127.0.0.1:2",
        clientId: "agora-storefront",
        clientSecret: "x".repeat(43),
      },
    };
    expect(authOptions(base).providers.map((p) => p.id)).toEqual(["agora"]);
    expect(authOptions({ ...base, directPasswordSignIn: true }).providers.map((p) => p.id)).toEqual(
      ["agora", "credentials"],
    );
  });

  it("keeps each app's PKCE verifier and state in its own cookies", () => {
    const shop = authCookies("storefront", false);
    const portal = authCookies("vendor-portal", true);
    expect(shop.pkceCodeVerifier?.name).toBe("agora-storefront.pkce");
    expect(portal.state?.name).toBe("__Secure-agora-vendor-portal.state");
  });
});
