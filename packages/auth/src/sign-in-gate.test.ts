import { encode } from "next-auth/jwt";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { sessionCookieName } from "./cookies.ts";
import type { Role } from "./roles.ts";
import type { AgoraSession } from "./session.ts";
import { signInGate } from "./sign-in-gate.ts";

const config = {
  app: "ops-console" as const,
  secret: "s".repeat(43),
  url: "http://127.0.0.1:15900",
  revocation: {
    epochs: { current: async () => 0, revoke: async () => {} },
    whenUnavailable: "refuse" as const,
  },
};
const operatorsOnly = (s: AgoraSession | null) => s?.roles.includes("operator") ?? false;

async function requestAs(
  roles: Role[] | null,
  path = "/queues?cluster=core",
): Promise<NextRequest> {
  const headers = new Headers();
  if (roles) {
    const jwt = await encode({
      token: { sub: "u-1", email: "a@agora.local", name: "A", roles, aud: "ops-console" },
      secret: config.secret,
    });
    headers.set("cookie", `${sessionCookieName("ops-console", false)}=${jwt}`);
  }
  return new NextRequest(`${config.url}${path}`, { headers });
}

describe("signInGate", () => {
  it("lets a session the app accepts through", async () => {
    const res = await signInGate(await requestAs(["operator"]), config, operatorsOnly);
    expect(res.headers.get("x-middleware-next")).toBe("1");
  });

  it("sends a visitor without a session to /signin and back to the page they asked for", async () => {
    const res = await signInGate(await requestAs(null), config, operatorsOnly);
    const to = new URL(res.headers.get("location") ?? "");
    expect(to.pathname).toBe("/signin");
    expect(to.searchParams.get("callbackUrl")).toBe("/queues?cluster=core");
    expect(to.searchParams.has("error")).toBe(false);
  });

  it("marks a signed-in account the app does not accept as forbidden", async () => {
    const res = await signInGate(await requestAs(["shopper"]), config, operatorsOnly);
    const to = new URL(res.headers.get("location") ?? "");
    expect(to.pathname).toBe("/signin");
    expect(to.searchParams.get("error")).toBe("forbidden");
  });
});
