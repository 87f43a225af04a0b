import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidEnvError, parseEnv, resolveAuthEnv, webEnvSchema } from "./env.ts";

describe("web env", () => {
  it("fails naming the variable and the bad value", () => {
    expect(() => parseEnv(webEnvSchema, { AGORA_PROFILE: "prod" })).toThrow(
      /AGORA_PROFILE: .*"prod"/,
    );
    expect(() => parseEnv(webEnvSchema, { PORT: "http" })).toThrow(InvalidEnvError);
  });

  it("defaults the profile to dev and coerces PORT", () => {
    expect(parseEnv(webEnvSchema, { PORT: "15900" })).toMatchObject({
      AGORA_PROFILE: "dev",
      PORT: 15900,
    });
  });
});

describe("auth env", () => {
  const dir = mkdtempSync(join(tmpdir(), "agora-auth-env-"));
  const secretsFile = join(dir, "secrets.json");
  writeFileSync(secretsFile, JSON.stringify({ superuserPassword: "pw-1", appPassword: "x" }));
  const t = {
    secretsFile,
    host: "127.0.0.1" as const,
    apps: {
      storefront: [15901, 15902],
      gateway: 15900,
      vendorPortal: 15910,
      opsConsole: 15920,
      paymentSim: 1,
      cdn: 2,
    },
  };
  const saved = process.env.NEXTAUTH_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.NEXTAUTH_URL;
    else process.env.NEXTAUTH_URL = saved;
  });

  it("rejects a short NEXTAUTH_SECRET and a non-http NEXTAUTH_URL, naming them", () => {
    expect(() => parseEnv(webEnvSchema, { NEXTAUTH_SECRET: "short" })).toThrow(
      /NEXTAUTH_SECRET: .*32/,
    );
    expect(() => parseEnv(webEnvSchema, { NEXTAUTH_URL: "ftp://x" })).toThrow(/NEXTAUTH_URL: /);
  });

  it("derives one secret per topology for every app, and the gateway as the storefront's URL", () => {
    delete process.env.NEXTAUTH_URL;
    const env = parseEnv(webEnvSchema, {});
    const shop = resolveAuthEnv("storefront", env, t);
    const ops = resolveAuthEnv("ops-console", env, t);
    expect(shop.secret).toBe(ops.secret);
    expect(shop.secret.length).toBeGreaterThanOrEqual(32);
    expect(shop.secret).not.toContain("pw-1");
    expect(shop.url).toBe("http://127.0.0.1:15900");
    expect(ops.url).toBe("http://127.0.0.1:15920");
    expect(shop.secretSource).toBe("topology secrets file");
  });

  it("prefers NEXTAUTH_SECRET and NEXTAUTH_URL when set", () => {
    const env = parseEnv(webEnvSchema, {
      NEXTAUTH_SECRET: "k".repeat(40),
      NEXTAUTH_URL: "https://shop.example",
    });
    expect(resolveAuthEnv("storefront", env, t)).toEqual({
      secret: "k".repeat(40),
      url: "https://shop.example",
      secretSource: "NEXTAUTH_SECRET",
    });
  });

  it("fails naming NEXTAUTH_SECRET when it is unset and there is no topology to derive it from", () => {
    const env = parseEnv(webEnvSchema, {});
    expect(() =>
      resolveAuthEnv("vendor-portal", env, { ...t, secretsFile: join(dir, "missing.json") }),
    ).toThrow(/NEXTAUTH_SECRET: not set/);
  });
});
