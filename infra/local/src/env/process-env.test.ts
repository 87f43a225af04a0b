import { describe, expect, it } from "vitest";
import { ConfigError, databaseSchema, etcdSchema, listenSchema, loadConfig, metricsTargetsSchema, redisSchema } from "@agora/config";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { topology } from "../topology.ts";
import { formatEnv, processEnv, traceSampling } from "./process-env.ts";

const dir = mkdtempSync(join(tmpdir(), "agora-env-"));
process.env.AGORA_STATE_DIR = dir;
const t = topology("test");
delete process.env.AGORA_STATE_DIR;

describe("processEnv", () => {
  it("traces everything in the test profile and samples (reservoir + ratio) elsewhere", () => {
    const saved = { rate: process.env.AGORA_TRACE_SAMPLE_RATE, reservoir: process.env.AGORA_TRACE_RESERVOIR_PER_SECOND };
    delete process.env.AGORA_TRACE_SAMPLE_RATE;
    delete process.env.AGORA_TRACE_RESERVOIR_PER_SECOND;
    try {
      expect(processEnv(t, "storefront-1")).toMatchObject({ AGORA_TRACE_SAMPLE_RATE: "1", AGORA_TRACE_RESERVOIR_PER_SECOND: "0" });
      const dev = { ...t, profile: { ...t.profile, name: "dev" } } as typeof t;
      expect(traceSampling(dev)).toEqual({ AGORA_TRACE_SAMPLE_RATE: "0.1", AGORA_TRACE_RESERVOIR_PER_SECOND: "5" });
      process.env.AGORA_TRACE_SAMPLE_RATE = "1";
      expect(traceSampling(dev).AGORA_TRACE_SAMPLE_RATE).toBe("1");
    } finally {
      if (saved.rate === undefined) delete process.env.AGORA_TRACE_SAMPLE_RATE;
      else process.env.AGORA_TRACE_SAMPLE_RATE = saved.rate;
      if (saved.reservoir !== undefined) process.env.AGORA_TRACE_RESERVOIR_PER_SECOND = saved.reservoir;
    }
  });

  it("gives a worker its listen address, metrics port and every dependency", () => {
    const env = processEnv(t, "workers-payments");
    const cfg = loadConfig(
      { listen: listenSchema, db: databaseSchema, redis: redisSchema, etcd: etcdSchema },
      env,
    );
    expect(cfg.listen.HOST).toBe("127.0.0.1");
    expect(cfg.listen.PORT).toBe(t.apps.carrierWebhook);
    expect(env.AGORA_METRICS_PORT).toBe(String(t.apps.workerMetrics.payments));
    expect(cfg.db.shardClusters).toEqual(["shard-1", "shard-2"]);
    expect(cfg.redis.AGORA_REDIS_SENTINELS).toHaveLength(3);
    expect(cfg.etcd.AGORA_ETCD_ENDPOINTS).toHaveLength(3);
  });

  it("routes read-write URLs through the fault proxy only when asked", () => {
    const direct = processEnv(t, "workers-sagas");
    const proxied = processEnv(t, "workers-sagas", { viaFaultProxy: true });
    expect(direct.AGORA_DB_URL_CORE_RW).toContain(`:${t.clusters[0]!.rwPort}/`);
    expect(proxied.AGORA_DB_URL_CORE_RW).toContain(`:${t.faultProxies.core}/`);
    expect(proxied.AGORA_DB_URL_CORE_RO).toBe(direct.AGORA_DB_URL_CORE_RO);
  });

  it("derives the same secrets for every process of one topology", () => {
    expect(processEnv(t, "storefront-1").NEXTAUTH_SECRET).toBe(processEnv(t, "ops-console").NEXTAUTH_SECRET);
    expect(processEnv(t, "storefront-2").NEXTAUTH_URL).toBe(`http://127.0.0.1:${t.apps.gateway}`);
  });

  it("lists the ops console's scrape targets", () => {
    const { AGORA_METRICS_TARGETS } = loadConfig(metricsTargetsSchema, processEnv(t, "ops-console"));
    expect(AGORA_METRICS_TARGETS.map((x) => x.name)).toContain("workers-sagas");
  });

  it("leaves a process without a port to fail start-up naming PORT", () => {
    expect(() => loadConfig(listenSchema, processEnv(t, "test-runner"))).toThrow(ConfigError);
    expect(() => loadConfig(listenSchema, processEnv(t, "test-runner"))).toThrow(/PORT/);
  });

  it("gives every process its service identity for mutual TLS, instances of one kind the same pair", () => {
    const sagas = processEnv(t, "workers-sagas");
    expect(sagas.AGORA_TLS_CERT_FILE).toBe(join(t.pki.dir, "service-workers.crt"));
    expect(processEnv(t, "outbox-relay").AGORA_TLS_CERT_FILE).toBe(sagas.AGORA_TLS_CERT_FILE);
    expect(processEnv(t, "inventory-2").AGORA_TLS_KEY_FILE).toBe(join(t.pki.dir, "service-inventory.key"));
    expect(sagas.AGORA_TLS_CA_FILE).toBe(t.pki.caCert);
    // Only readers learn where traces are read, and only over HTTPS.
    expect(processEnv(t, "ops-console").AGORA_TELEMETRY_QUERY_URL).toBe(`https://127.0.0.1:${t.apps.telemetryQuery}`);
    expect(sagas.AGORA_TELEMETRY_QUERY_URL).toBeUndefined();
  });

  it("gives every process a Redis client pair: its service identity, the CLIs' for one without", () => {
    const sagas = processEnv(t, "workers-sagas");
    expect([sagas.AGORA_REDIS_TLS_CERT_FILE, sagas.AGORA_REDIS_TLS_KEY_FILE]).toEqual([
      sagas.AGORA_TLS_CERT_FILE,
      sagas.AGORA_TLS_KEY_FILE,
    ]);
    expect(processEnv(t, "storefront-us-1").AGORA_REDIS_TLS_CERT_FILE).toBe(join(t.pki.dir, "service-storefront.crt"));
    expect(processEnv(t, "seed").AGORA_REDIS_TLS_CERT_FILE).toBe(join(t.pki.dir, "service-test-runner.crt"));
    expect(loadConfig(redisSchema, processEnv(t, "db-migrate")).AGORA_REDIS_TLS_KEY_FILE).toBe(
      join(t.pki.dir, "service-test-runner.key"),
    );
  });

  it("points the storefront's public URL at the gateway's HTTPS port where the plain port only redirects", () => {
    expect(processEnv(t, "test-runner").AGORA_STOREFRONT_URL).toBe(`http://127.0.0.1:${t.apps.gateway}`);
    const redirecting = { ...t, edge: { ...t.edge, plainHttp: "redirect" as const } };
    expect(processEnv(redirecting, "test-runner").AGORA_STOREFRONT_URL).toBe(`https://127.0.0.1:${t.apps.gatewayHttps}`);
    expect(processEnv(redirecting, "storefront-1").NODE_EXTRA_CA_CERTS).toBe(t.pki.caCert);
  });

  it("shell-quotes values that need it", () => {
    expect(formatEnv({ A: "plain", B: "it's here" })).toBe("A=plain\nB='it'\\''s here'");
  });
});
