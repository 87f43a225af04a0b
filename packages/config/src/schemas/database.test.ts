import { describe, expect, it } from "vitest";
import { loadConfig } from "../load-config.ts";
import { configErrorOf } from "../testing.ts";
import { databaseSchema, sslModeOf } from "./database.ts";

const CA = "/var/run/agora/tls/ca.crt";
const url = (host: string, tls: string) => `postgresql://agora:s3cret@${host}:5432/agora?${tls}`;
const verified = (host: string) =>
  url(host, `sslmode=verify-full&sslrootcert=${encodeURIComponent(CA)}`);

const urls = (make: (host: string) => string) => ({
  AGORA_DB_SHARDS: "shard-1",
  AGORA_DB_URL_CORE_RW: make("agora-core"),
  AGORA_DB_URL_CORE_RO: make("agora-core-repl"),
  AGORA_DB_URL_SHARD_1_RW: make("agora-shard-1"),
  AGORA_DB_URL_SHARD_1_RO: make("agora-shard-1-repl"),
});

describe("database URLs in production", () => {
  it("accepts URLs that verify the server's certificate and name against the CA", () => {
    const db = loadConfig(databaseSchema, { AGORA_ENV: "production", ...urls(verified) });
    expect(db.urls["shard-1"]?.ro).toBe(verified("agora-shard-1-repl"));
  });

  it("refuses every URL whose sslmode is not verify-full, naming it without its password", () => {
    const err = configErrorOf(() =>
      loadConfig(databaseSchema, {
        AGORA_ENV: "production",
        ...urls(verified),
        AGORA_DB_URL_CORE_RO: url("agora-core-repl", "sslmode=require"),
        AGORA_DB_URL_SHARD_1_RW: url("agora-shard-1", `sslrootcert=${CA}`),
        AGORA_DB_URL_SHARD_1_RO: "postgresql://agora:s3cret@agora-shard-1-repl:5432/agora",
      }),
    );
    expect(err.variables).toEqual([
      "AGORA_DB_URL_CORE_RO",
      "AGORA_DB_URL_SHARD_1_RW",
      "AGORA_DB_URL_SHARD_1_RO",
    ]);
    expect(err.message).toMatch(/sslmode=verify-full/);
    expect(err.message).not.toContain("s3cret");
  });

  it("leaves development and test URLs to their profile", () => {
    const plain = (host: string) => url(host, "sslmode=require");
    expect(() => loadConfig(databaseSchema, { AGORA_ENV: "test", ...urls(plain) })).not.toThrow();
    expect(() => loadConfig(databaseSchema, urls(plain))).not.toThrow();
  });

  it("reads sslmode from the query only", () => {
    expect(sslModeOf(verified("h"))).toBe("verify-full");
    expect(sslModeOf("postgresql://sslmode=verify-full@h/agora")).toBeNull();
    expect(sslModeOf(url("h", "application_name=x&sslmode=verify-ca"))).toBe("verify-ca");
  });
});

describe("the process's name on its connections", () => {
  it("carries AGORA_SERVICE_NAME through, when the process has one", () => {
    expect(loadConfig(databaseSchema, { ...urls(verified), AGORA_SERVICE_NAME: "workers-sagas" }).serviceName).toBe(
      "workers-sagas",
    );
    expect(loadConfig(databaseSchema, urls(verified)).serviceName).toBeUndefined();
  });
});
