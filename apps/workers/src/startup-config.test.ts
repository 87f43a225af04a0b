import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, DEV_CARRIER_WEBHOOK_SECRET } from "@agora/config";
import { describe, expect, it } from "vitest";
import { checkStartupConfig, PROCESS_CONFIG } from "./startup-config.ts";

describe("worker start-up configuration", () => {
  it("names every missing variable of a pool", () => {
    let error: unknown;
    try {
      checkStartupConfig("payments", { AGORA_REDIS_MASTER_NAME: "agora" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables).toEqual(
      expect.arrayContaining([
        "AGORA_DB_SHARDS",
        "AGORA_DB_URL_CORE_RW",
        "AGORA_REDIS_SENTINELS",
        "HOST",
        "PORT",
        "AGORA_PAYMENT_PROVIDER_URL",
        "AGORA_CARRIER_WEBHOOK_SECRET",
      ]),
    );
    expect((error as ConfigError).variables).not.toContain("AGORA_REDIS_MASTER_NAME");
  });

  it("stops the payments pool in production when the carrier webhook secret is the repository's", () => {
    let error: unknown;
    try {
      checkStartupConfig("payments", {
        AGORA_ENV: "production",
        AGORA_CARRIER_WEBHOOK_SECRET: DEV_CARRIER_WEBHOOK_SECRET,
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(
      /AGORA_CARRIER_WEBHOOK_SECRET: is a development default/,
    );
  });

  it("knows every process kind of the workers image", () => {
    expect(Object.keys(PROCESS_CONFIG).sort()).toEqual(
      [
        "analytics",
        "imports",
        "inventory",
        "maintenance",
        "media-origin",
        "migrate",
        "notifications",
        "outbox-relay",
        "payments",
        "projections",
        "realtime",
        "sagas",
        "telemetry-collector",
      ].sort(),
    );
  });

  it("stops a process started without its environment, naming the missing variable", () => {
    const main = fileURLToPath(new URL("./main.ts", import.meta.url));
    const r = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), main, "sagas"], {
      cwd: mkdtempSync(join(tmpdir(), "agora-no-env-")),
      env: { NODE_ENV: "test", PATH: process.env.PATH ?? "/usr/bin:/bin" }, // nothing else on purpose
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/AGORA_DB_SHARDS: /);
    expect(r.stderr).toMatch(/AGORA_REDIS_SENTINELS: /);
  }, 70_000);
});
