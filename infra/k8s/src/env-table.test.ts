import { describe, expect, it } from "vitest";
import { configValues } from "./config/config-map.ts";
import { containerEnv } from "./config/container-env.ts";
import { ALL_DEPLOYABLES, DEPLOYABLES } from "./deployables.ts";
import { ENV_TABLE, clusterEnvName, dbUrlVariable, envVarSpec } from "./env-table.ts";
import { ENVIRONMENTS } from "./environments.ts";

describe("env table", () => {
  it("names database URLs by cluster: upper-cased, non-alphanumerics as _", () => {
    expect(clusterEnvName("shard-1")).toBe("SHARD_1");
    expect(dbUrlVariable("core", "ro")).toBe("AGORA_DB_URL_CORE_RO");
    expect(envVarSpec("AGORA_DB_URL_SHARD_12_RW")?.source).toBe("secret");
    expect(envVarSpec("AGORA_DB_URL_SHARD_1")).toBeUndefined();
  });

  it("has one row per name", () => {
    const names = ENV_TABLE.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("gives the ConfigMap a value for every config row, derived from in-cluster names", () => {
    const values = configValues(ENVIRONMENTS.production);
    expect(Object.keys(values).sort()).toEqual(
      ENV_TABLE.filter((v) => v.source === "config")
        .map((v) => v.name)
        .sort(),
    );
    expect(values.AGORA_REDIS_SENTINELS?.split(",")).toHaveLength(3);
    expect(values.AGORA_ETCD_ENDPOINTS?.split(",")).toHaveLength(3);
  });

  it("gives every process a rw and ro URL per cluster and nothing it does not read", () => {
    const env = containerEnv(DEPLOYABLES.sagas, ENVIRONMENTS.production, "workers-sagas").map(
      (v) => v.name,
    );
    expect(env).toContain("AGORA_DB_URL_SHARD_2_RO");
    expect(env).not.toContain("PORT");
    expect(env).not.toContain("AGORA_METRICS_TARGETS");
    expect(
      containerEnv(DEPLOYABLES["ops-console"], ENVIRONMENTS.production, "ops-console").map(
        (v) => v.name,
      ),
    ).toContain("AGORA_METRICS_TARGETS");
  });

  it("sends each app's NEXTAUTH_SECRET from its own Secret; the realtime gateway reads the storefront's", () => {
    const secretOf = (name: keyof typeof DEPLOYABLES) =>
      containerEnv(DEPLOYABLES[name], ENVIRONMENTS.staging, name).find(
        (v) => v.name === "NEXTAUTH_SECRET",
      )?.valueFrom?.secretKeyRef?.name;
    expect(secretOf("vendor-portal")).toBe("agora-vendor-portal-auth");
    expect(secretOf("realtime")).toBe("agora-storefront-auth");
    expect(ALL_DEPLOYABLES.filter((d) => d.env.includes("auth")).every((d) => d.auth)).toBe(true);
  });
});
