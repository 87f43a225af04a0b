import { encode, type JWT } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { sessionCookieName } from "./cookies.ts";
import { getSession } from "./get-session.ts";
import { authOptions } from "./options.ts";

const revoked: string[] = [];
const config = {
  app: "ops-console" as const,
  secret: "s".repeat(43),
  url: "http://127.0.0.1:15900",
  revocation: {
    epochs: { current: async () => 0, revoke: async (userId: string) => void revoked.push(userId) },
    whenUnavailable: "refuse" as const,
  },
};
const claims = {
  sub: "u-1",
  email: "operator@agora.local",
  name: "Olive Operator",
  roles: ["operator" as const],
  aud: "ops-console",
};

function requestWith(cookies: Record<string, string>): { headers: Headers } {
  const cookie = Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
  return { headers: new Headers({ cookie }) };
}

describe("getSession", () => {
  it("reads the session from this app's cookie", async () => {
    const jwt = await encode({ token: claims, secret: config.secret });
    const session = await getSession(
      requestWith({ other: "x", [sessionCookieName("ops-console", false)]: jwt }),
      config,
    );
    expect(session).toEqual({
      userId: "u-1",
      email: "operator@agora.local",
      name: "Olive Operator",
      roles: ["operator"],
      epoch: 0,
    });
  });

  it("treats a token from another secret, another app's cookie or no cookie as anonymous", async () => {
    const foreign = await encode({ token: claims, secret: "t".repeat(43) });
    const ours = await encode({ token: claims, secret: config.secret });
    expect(
      await getSession(requestWith({ [sessionCookieName("ops-console", false)]: foreign }), config),
    ).toBeNull();
    expect(
      await getSession(requestWith({ [sessionCookieName("storefront", false)]: ours }), config),
    ).toBeNull();
    expect(await getSession({ headers: new Headers() }, config)).toBeNull();
  });

  it("refuses a token issued for another app's audience even under the same key", async () => {
    const storefronts = await encode({
      token: { ...claims, aud: "storefront" },
      secret: config.secret,
    });
    const noAudience = await encode({
      token: { ...claims, aud: undefined },
      secret: config.secret,
    });
    for (const jwt of [storefronts, noAudience]) {
      expect(
        await getSession(requestWith({ [sessionCookieName("ops-console", false)]: jwt }), config),
      ).toBeNull();
    }
  });

  it("ignores tokens without Agora's claims or with unknown roles", async () => {
    const tokens: Record<string, unknown>[] = [
      { sub: "u-1", email: "a@b.co", name: "A", aud: "ops-console" },
      { ...claims, roles: ["root"] },
    ];
    for (const token of tokens) {
      // Deliberately not a valid Agora JWT: that is what this test feeds in.
      const jwt = await encode({ token: token as JWT, secret: config.secret });
      expect(
        await getSession(requestWith({ [sessionCookieName("ops-console", false)]: jwt }), config),
      ).toBeNull();
    }
  });
});

describe("authOptions", () => {
  const options = authOptions(config, async () => null);

  it("puts roles and the tenant into the token at sign-in", async () => {
    const jwt = options.callbacks?.jwt;
    if (!jwt) throw new Error("jwt callback missing");
    const token = await jwt({
      token: {},
      user: {
        id: "u-2",
        email: "owner@x.agora.local",
        name: "Owner",
        roles: ["vendor_owner"],
        vendorId: "v-1",
        epoch: 2,
      },
      account: null,
    });
    expect(token).toMatchObject({
      sub: "u-2",
      roles: ["vendor_owner"],
      vendorId: "v-1",
      epoch: 2,
      aud: "ops-console",
    });
  });

  it("revokes the signed-out token's sessions on sign-out", async () => {
    revoked.length = 0;
    await options.events?.signOut?.({ token: { ...claims }, session: undefined as never });
    expect(revoked).toEqual(["u-1"]);
  });

  it("redirects only within the app after sign-in", async () => {
    const redirect = options.callbacks?.redirect;
    if (!redirect) throw new Error("redirect callback missing");
    const baseUrl = config.url;
    expect(await redirect({ url: "/orders", baseUrl })).toBe(`${baseUrl}/orders`);
    expect(await redirect({ url: "//evil.example/x", baseUrl })).toBe(baseUrl);
    expect(await redirect({ url: "https://evil.example/x", baseUrl })).toBe(baseUrl);
  });

  it("uses per-app cookie names and __Secure- cookies behind https", () => {
    const secure = authOptions({ ...config, url: "https://ops.example" });
    expect(options.cookies?.sessionToken?.name).toBe("agora-ops-console.session-token");
    expect(secure.cookies?.sessionToken?.name).toBe("__Secure-agora-ops-console.session-token");
  });
});

describe("getSession with a revocation policy", () => {
  const cookie = sessionCookieName("ops-console", false);
  const epochs = new Map<string, number>();
  const store = {
    revoke: async () => {},
    current: async (userId: string) => {
      const e = epochs.get(userId);
      if (e === undefined) throw new Error("store unavailable");
      return e;
    },
  };
  const issued = (epoch?: number) =>
    encode({
      token: { ...claims, ...(epoch === undefined ? {} : { epoch }) },
      secret: config.secret,
    });

  it("accepts a session issued under the current epoch and refuses it once the epoch moved on", async () => {
    const revocation = { epochs: store, whenUnavailable: "refuse" as const };
    const jwt = await issued(4);
    epochs.set("u-1", 4);
    expect(
      await getSession(requestWith({ [cookie]: jwt }), { ...config, revocation }),
    ).toMatchObject({ userId: "u-1", epoch: 4 });
    epochs.set("u-1", 5);
    expect(await getSession(requestWith({ [cookie]: jwt }), { ...config, revocation })).toBeNull();
  });

  it("counts a token without an epoch claim as epoch 0", async () => {
    const revocation = { epochs: store, whenUnavailable: "refuse" as const };
    const jwt = await issued();
    epochs.set("u-1", 0);
    expect(
      await getSession(requestWith({ [cookie]: jwt }), { ...config, revocation }),
    ).not.toBeNull();
    epochs.set("u-1", 1);
    expect(await getSession(requestWith({ [cookie]: jwt }), { ...config, revocation })).toBeNull();
  });

  it("refuses or admits by policy while the epoch store cannot answer", async () => {
    epochs.delete("u-1");
    const jwt = await issued(1);
    const unavailable: unknown[] = [];
    const refuse = {
      epochs: store,
      whenUnavailable: "refuse" as const,
      onUnavailable: (err: unknown) => unavailable.push(err),
    };
    expect(
      await getSession(requestWith({ [cookie]: jwt }), { ...config, revocation: refuse }),
    ).toBeNull();
    expect(unavailable).toHaveLength(1);
    const admit = { epochs: store, whenUnavailable: "admit" as const };
    expect(
      await getSession(requestWith({ [cookie]: jwt }), { ...config, revocation: admit }),
    ).toMatchObject({ userId: "u-1" });
  });
});
