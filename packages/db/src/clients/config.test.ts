import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { configureDb, dbConfig, resetDbConfig } from "./config.ts";

const url = (host: string) => `postgresql://agora:pw@${host}:5432/agora`;

beforeEach(() => {
  vi.stubEnv("AGORA_ENV", "test");
  vi.stubEnv("AGORA_DB_SHARDS", "shard-1");
  vi.stubEnv("AGORA_DB_URL_CORE_RW", url("core"));
  vi.stubEnv("AGORA_DB_URL_CORE_RO", url("core-repl"));
  vi.stubEnv("AGORA_DB_URL_SHARD_1_RW", url("shard-1"));
  vi.stubEnv("AGORA_DB_URL_SHARD_1_RO", url("shard-1-repl"));
  // The suite's own process has a budget (tests/setup/env.ts applies the test runner's): none here.
  for (const name of [
    "AGORA_DB_POOL_MAX",
    "AGORA_DB_POOL_MAX_CORE_RW",
    "AGORA_DB_POOL_MAX_CORE_RO",
    "AGORA_DB_POOL_MAX_SHARD_RW",
    "AGORA_DB_POOL_MAX_SHARD_RO",
  ])
    vi.stubEnv(name, undefined);
  resetDbConfig();
});

afterEach(() => {
  vi.unstubAllEnvs();
  resetDbConfig();
});

describe("pool size per cluster side", () => {
  it("takes each pool's max from the process's connection budget", () => {
    vi.stubEnv("AGORA_DB_POOL_MAX_CORE_RW", "4");
    vi.stubEnv("AGORA_DB_POOL_MAX_CORE_RO", "2");
    vi.stubEnv("AGORA_DB_POOL_MAX_SHARD_RW", "3");
    vi.stubEnv("AGORA_DB_POOL_MAX_SHARD_RO", "1");
    const cfg = dbConfig();
    expect(cfg.poolFor("core", "rw").max).toBe(4);
    expect(cfg.poolFor("core", "ro").max).toBe(2);
    expect(cfg.poolFor("shard-1", "rw").max).toBe(3);
    expect(cfg.poolFor("shard-1", "ro").max).toBe(1);
    // Everything else is shared.
    expect(cfg.poolFor("shard-1", "ro").acquireTimeoutMillis).toBe(cfg.pool.acquireTimeoutMillis);
  });

  it("falls back to AGORA_DB_POOL_MAX, then 10, where the budget sets none", () => {
    vi.stubEnv("AGORA_DB_POOL_MAX_CORE_RW", "4");
    expect(dbConfig().poolFor("shard-1", "rw").max).toBe(10);
    vi.stubEnv("AGORA_DB_POOL_MAX", "6");
    resetDbConfig();
    expect(dbConfig().poolFor("shard-1", "rw").max).toBe(6);
    expect(dbConfig().poolFor("core", "rw").max).toBe(4);
  });

  it("lets an explicit max (configureDb) size every pool", () => {
    vi.stubEnv("AGORA_DB_POOL_MAX_CORE_RW", "4");
    configureDb({ pool: { max: 2 } });
    expect(dbConfig().poolFor("core", "rw").max).toBe(2);
  });

  it("refuses a pool size that is not a positive integer", () => {
    vi.stubEnv("AGORA_DB_POOL_MAX_SHARD_RO", "0");
    expect(() => dbConfig()).toThrow(/AGORA_DB_POOL_MAX_SHARD_RO/);
  });
});
