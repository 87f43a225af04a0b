import { describe, expect, it } from "vitest";
import { topology } from "../topology.ts";
import { PATRONI_TIMING, patroniConfig } from "./patroni.ts";

const secrets = { superuserPassword: "s", replicationPassword: "r", appPassword: "a", redisPassword: "p" };

describe("Patroni configuration", () => {
  const t = topology("test");
  const core = t.clusters.find((c) => c.name === "core");
  if (!core?.nodes[0]) throw new Error("no core member");
  const cfg = patroniConfig(t, core, core.nodes[0], secrets) as Record<string, unknown> & {
    bootstrap: { dcs: Record<string, unknown> & { postgresql: { use_pg_rewind: boolean } } };
  };

  it("uses the etcd v2 DCS backend, whose leader-key update is compare-and-swap (etcd3 in Patroni 3.0.2 lets a resumed stale leader win)", () => {
    expect(cfg.etcd).toBeDefined();
    expect(cfg.etcd3).toBeUndefined();
  });

  it("keeps loop_wait + 2 × retry_timeout within the leader TTL", () => {
    expect(PATRONI_TIMING.loop_wait + 2 * PATRONI_TIMING.retry_timeout).toBeLessThanOrEqual(PATRONI_TIMING.ttl);
  });

  it("creates clusters in failsafe mode, so an etcd election does not make a primary demote itself", () => {
    expect(cfg.bootstrap.dcs.failsafe_mode).toBe(true);
    expect(cfg.bootstrap.dcs.ttl).toBe(PATRONI_TIMING.ttl);
    // Failsafe's POST /failsafe to the other members needs a client certificate (clientAuth).
    expect((cfg.ctl as { certfile: string }).certfile).toMatch(/patroni-admin\.crt$/);
  });

  it("replicates core synchronously and lets a failed primary rejoin with pg_rewind", () => {
    expect(cfg.bootstrap.dcs.synchronous_mode).toBe(true);
    expect(cfg.bootstrap.dcs.postgresql.use_pg_rewind).toBe(true);
  });
});
