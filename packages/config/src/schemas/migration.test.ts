import { describe, expect, it } from "vitest";
import { configErrorOf } from "../testing.ts";
import { loadConfig } from "../load-config.ts";
import { migrationSchema } from "./migration.ts";

const admin = (db: string) => `postgresql://postgres:pw@127.0.0.1:5432/${db}`;

describe("the migration runner's settings", () => {
  it("gives every cluster its admin URL and the app role", () => {
    const s = loadConfig(migrationSchema, {
      AGORA_DB_SHARDS: "shard-1,shard-2",
      AGORA_DB_ADMIN_URL_CORE: admin("postgres"),
      AGORA_DB_ADMIN_URL_SHARD_1: admin("postgres"),
      AGORA_DB_ADMIN_URL_SHARD_2: admin("postgres"),
      AGORA_DB_APP_PASSWORD: "a-long-app-password",
    });
    expect(s.clusters).toEqual([
      { name: "core", kind: "core" },
      { name: "shard-1", kind: "shard" },
      { name: "shard-2", kind: "shard" },
    ]);
    expect(Object.keys(s.adminUrls)).toEqual(["core", "shard-1", "shard-2"]);
    expect(s).toMatchObject({ database: "agora", appUser: "agora" });
  });

  it("names the admin URL a listed shard lacks", () => {
    const err = configErrorOf(() =>
      loadConfig(migrationSchema, {
        AGORA_DB_SHARDS: "shard-1,shard-2",
        AGORA_DB_ADMIN_URL_CORE: admin("postgres"),
        AGORA_DB_ADMIN_URL_SHARD_1: admin("postgres"),
        AGORA_DB_APP_PASSWORD: "a-long-app-password",
      }),
    );
    expect(err.variables).toEqual(["AGORA_DB_ADMIN_URL_SHARD_2"]);
  });

  it("refuses a short app password without printing it", () => {
    const err = configErrorOf(() =>
      loadConfig(migrationSchema, {
        AGORA_DB_SHARDS: "shard-1",
        AGORA_DB_ADMIN_URL_CORE: admin("postgres"),
        AGORA_DB_ADMIN_URL_SHARD_1: admin("postgres"),
        AGORA_DB_APP_PASSWORD: "short-secret",
      }),
    );
    expect(err.variables).toEqual(["AGORA_DB_APP_PASSWORD"]);
    expect(err.message).not.toContain("short-secret");
  });

  it("refuses in production an admin URL that does not verify the server", () => {
    const tls = "sslmode=verify-full&sslrootcert=/var/run/agora/tls/ca.crt";
    const verified = `${admin("postgres")}?${tls}`;
    const env = {
      AGORA_ENV: "production",
      AGORA_DB_SHARDS: "shard-1",
      AGORA_DB_ADMIN_URL_CORE: verified,
      AGORA_DB_APP_PASSWORD: "a-long-app-password",
    };
    expect(() =>
      loadConfig(migrationSchema, { ...env, AGORA_DB_ADMIN_URL_SHARD_1: verified }),
    ).not.toThrow();
    const err = configErrorOf(() =>
      loadConfig(migrationSchema, {
        ...env,
        AGORA_DB_ADMIN_URL_SHARD_1: `${admin("postgres")}?sslmode=require`,
      }),
    );
    expect(err.variables).toEqual(["AGORA_DB_ADMIN_URL_SHARD_1"]);
  });
});
