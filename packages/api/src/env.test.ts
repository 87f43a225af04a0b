import { sessionSecretFor } from "@agora/auth";
import { ConfigError } from "@agora/config";
import { describe, expect, it } from "vitest";
import { loadWebEnv, resolveAuthEnv } from "./env.ts";

const SECRET = "s".repeat(40);

describe("web env", () => {
  it("stops start-up naming every missing variable", () => {
    let error: unknown;
    try {
      loadWebEnv("storefront", { NEXTAUTH_SECRET: SECRET });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(
      expect.arrayContaining(["AGORA_STOREFRONT_URL", "AGORA_DB_SHARDS", "AGORA_REDIS_SENTINELS"]),
    );
    expect((error as ConfigError).message).toMatch(/AGORA_REDIS_MASTER_NAME: .*not set/);
  });
});

describe("auth env", () => {
  it("defaults NEXTAUTH_URL to the app's public origin", () => {
    expect(
      resolveAuthEnv("vendor-portal", { NEXTAUTH_SECRET: SECRET, AGORA_VENDOR_PORTAL_URL: "http://127.0.0.1:15920/" }),
    ).toEqual({
      secret: sessionSecretFor("vendor-portal", SECRET),
      previousSecrets: [],
      url: "http://127.0.0.1:15920",
      secretSource: "NEXTAUTH_SECRET",
    });
  });

  it("gives each app its own session key, none of them the configured secret itself", () => {
    const env = {
      NEXTAUTH_SECRET: SECRET,
      AGORA_STOREFRONT_URL: "http://127.0.0.1:1",
      AGORA_VENDOR_PORTAL_URL: "http://127.0.0.1:2",
      AGORA_OPS_CONSOLE_URL: "http://127.0.0.1:3",
    };
    const keys = (["storefront", "vendor-portal", "ops-console"] as const).map(
      (app) => resolveAuthEnv(app, env).secret,
    );
    expect(new Set([...keys, SECRET]).size).toBe(4);
  });

  it("prefers NEXTAUTH_URL and rejects a short secret or a non-http URL", () => {
    const base = { AGORA_STOREFRONT_URL: "http://127.0.0.1:15910" };
    expect(
      resolveAuthEnv("storefront", { ...base, NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: "https://shop.example.com" }).url,
    ).toBe("https://shop.example.com");
    expect(() => resolveAuthEnv("storefront", { ...base, NEXTAUTH_SECRET: "short" })).toThrow(/NEXTAUTH_SECRET: /);
    expect(() => resolveAuthEnv("storefront", { ...base, NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: "ftp://x" })).toThrow(
      /NEXTAUTH_URL: /,
    );
    expect(() => resolveAuthEnv("storefront", {})).toThrow(/NEXTAUTH_SECRET: .*not set/);
  });
});
