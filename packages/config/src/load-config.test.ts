import { describe, expect, it } from "vitest";
import { configErrorOf } from "./testing.ts";
import { z } from "zod";
import { loadConfig } from "./load-config.ts";
import { databaseSchema } from "./schemas/database.ts";
import { etcdSchema } from "./schemas/etcd.ts";
import { listenSchema } from "./schemas/listen.ts";
import { metricsTargetsSchema } from "./schemas/metrics.ts";
import { redisSchema } from "./schemas/redis.ts";
import { servicesSchema } from "./schemas/services.ts";

describe("loadConfig", () => {
  it("names every missing variable in one error", () => {
    const err = configErrorOf(() =>
      loadConfig(listenSchema.extend(redisSchema.shape), { HOST: "127.0.0.1" }),
    );
    expect(err.variables).toEqual(
      expect.arrayContaining(["PORT", "AGORA_REDIS_SENTINELS", "AGORA_REDIS_MASTER_NAME"]),
    );
    expect(err.message).toMatch(/PORT: .*not set/);
    expect(err.message).toMatch(/AGORA_REDIS_SENTINELS/);
  });

  it("names an invalid URL", () => {
    const err = configErrorOf(() =>
      loadConfig(servicesSchema.pick({ AGORA_CARRIER_URL: true }), {
        AGORA_CARRIER_URL: "not a url",
      }),
    );
    expect(err.variables).toEqual(["AGORA_CARRIER_URL"]);
    expect(err.message).toContain('"not a url"');
  });

  it("parses comma lists, trimming blanks", () => {
    const env = loadConfig(redisSchema.extend(etcdSchema.shape), {
      AGORA_REDIS_SENTINELS: "127.0.0.1:26379, sentinel-2:26380,",
      AGORA_REDIS_MASTER_NAME: "agora",
      AGORA_ETCD_ENDPOINTS: "http://127.0.0.1:2379/,http://127.0.0.1:2380",
      AGORA_ETCD_PREFIX: "/agora-dev/",
    });
    expect(env.AGORA_REDIS_SENTINELS).toEqual([
      { host: "127.0.0.1", port: 26379 },
      { host: "sentinel-2", port: 26380 },
    ]);
    expect(env.AGORA_ETCD_ENDPOINTS).toEqual(["http://127.0.0.1:2379", "http://127.0.0.1:2380"]);
  });

  it("parses metrics targets as name=url pairs and names a malformed one", () => {
    const ok = loadConfig(metricsTargetsSchema, {
      AGORA_METRICS_TARGETS:
        "storefront-1=http://127.0.0.1:1/api/metrics,workers-sagas=http://127.0.0.1:2/metrics",
    });
    expect(ok.AGORA_METRICS_TARGETS.map((t) => t.name)).toEqual(["storefront-1", "workers-sagas"]);
    expect(
      configErrorOf(() => loadConfig(metricsTargetsSchema, { AGORA_METRICS_TARGETS: "nope" }))
        .variables,
    ).toEqual(["AGORA_METRICS_TARGETS"]);
  });

  it("requires one rw and one ro URL per listed shard and never echoes them", () => {
    const err = configErrorOf(() =>
      loadConfig(databaseSchema, {
        AGORA_DB_SHARDS: "shard-1",
        AGORA_DB_URL_CORE_RW: "postgresql://agora:pw@h:1/agora",
        AGORA_DB_URL_CORE_RO: "postgresql://agora:pw@h:2/agora",
        AGORA_DB_URL_SHARD_1_RW: "mysql://agora:pw@h:3/agora",
      }),
    );
    expect(err.variables).toEqual(["AGORA_DB_URL_SHARD_1_RW", "AGORA_DB_URL_SHARD_1_RO"]);
    expect(err.message).not.toContain("pw");
  });

  it("collects the problems of several concerns into one error", () => {
    const err = configErrorOf(() =>
      loadConfig(
        { listen: listenSchema, etcd: etcdSchema, extra: z.object({ X: z.string() }) },
        { PORT: "80" },
      ),
    );
    expect(err.variables).toEqual(["HOST", "AGORA_ETCD_ENDPOINTS", "AGORA_ETCD_PREFIX", "X"]);
  });
});
