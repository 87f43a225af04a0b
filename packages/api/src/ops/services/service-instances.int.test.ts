/**
 * The console's Services list against the test topology's etcd: an instance that registers is
 * listed with its record, readiness and lease age, and counted per service; once it deregisters
 * it is gone.
 */
import { randomBytes } from "node:crypto";
import { etcdSchema, loadConfig } from "@agora/config";
import { register } from "@agora/registry";
import { describe, expect, it } from "vitest";
import { servicesOverview } from "./service-instances.ts";

const { etcd } = loadConfig({ etcd: etcdSchema });

describe("ops.services", () => {
  it("lists a live instance with its readiness and lease age, and drops it once it deregisters", async () => {
    const id = `console-test-${randomBytes(3).toString("hex")}`;
    const reg = await register({
      endpoints: etcd.AGORA_ETCD_ENDPOINTS,
      prefix: etcd.AGORA_ETCD_PREFIX,
      instance: { service: "ops-console-test", instanceId: id, address: "127.0.0.1:40200", version: "v-test", region: "us", ready: false },
    });
    try {
      const later = new Date(Date.parse(reg.current().registeredAt) + 65_000);
      const o = await servicesOverview(later);
      expect(o.reachable).toBe(true);
      expect(o.instances.find((i) => i.instanceId === id)).toMatchObject({
        service: "ops-console-test",
        address: "127.0.0.1:40200",
        version: "v-test",
        region: "us",
        ready: false,
        leaseAgeS: 65,
      });
      expect(o.services.find((s) => s.service === "ops-console-test")).toEqual({ service: "ops-console-test", registered: 1, ready: 0 });
    } finally {
      await reg.deregister({ drainMs: 0 });
    }
    expect((await servicesOverview()).instances.some((i) => i.instanceId === id)).toBe(false);
  });
});
