import { describe, expect, it } from "vitest";
import { Membership } from "./membership.ts";
import { hostPort, instanceKey, parseInstance, RegistryRecordError, type ServiceInstance } from "./record.ts";

const instance = (over: Partial<ServiceInstance> = {}): ServiceInstance => ({
  service: "storefront",
  instanceId: "storefront-1",
  address: "127.0.0.1:15500",
  version: "dev",
  region: "eu",
  ready: true,
  registeredAt: "2026-12-05T07:00:00.000Z",
  ...over,
});

describe("registry records", () => {
  it("keys an instance under its namespace, service and id", () => {
    expect(instanceKey("/agora-test/", "storefront", "storefront-1")).toBe("/agora-test/services/storefront/storefront-1");
  });

  it("reads back what an instance wrote", () => {
    const key = instanceKey("/p/", "storefront", "storefront-1");
    expect(parseInstance(key, JSON.stringify(instance()))).toEqual(instance());
  });

  it("refuses a record stored under another instance's key", () => {
    const key = instanceKey("/p/", "storefront", "storefront-2");
    expect(() => parseInstance(key, JSON.stringify(instance()))).toThrow(RegistryRecordError);
  });

  it("refuses malformed records: not JSON, a bad address, a name unsafe in a key", () => {
    const key = instanceKey("/p/", "storefront", "storefront-1");
    expect(() => parseInstance(key, "{")).toThrow(RegistryRecordError);
    expect(() => parseInstance(key, JSON.stringify(instance({ address: "127.0.0.1" })))).toThrow(/address/);
    expect(() => parseInstance(instanceKey("/p/", "storefront", "a b"), JSON.stringify(instance({ instanceId: "a b" })))).toThrow(
      /instanceId/,
    );
  });

  it("splits an address into host and port", () => {
    expect(hostPort("127.0.0.1:15500")).toEqual({ host: "127.0.0.1", port: 15500 });
  });
});

describe("Membership", () => {
  it("follows puts and deletes, leaves out an invalid record and reports it", () => {
    const bad: Error[] = [];
    const m = new Membership((e) => bad.push(e));
    const k1 = instanceKey("/p/", "storefront", "storefront-1");
    const k2 = instanceKey("/p/", "storefront", "storefront-2");
    m.reset([{ key: k2, value: JSON.stringify(instance({ instanceId: "storefront-2", address: "127.0.0.1:15501" })) }]);
    m.apply({ kind: "put", key: k1, value: JSON.stringify(instance()) });
    expect(m.list().map((i) => i.instanceId)).toEqual(["storefront-1", "storefront-2"]);
    m.apply({ kind: "put", key: k1, value: "not json" });
    expect(m.list().map((i) => i.instanceId)).toEqual(["storefront-2"]);
    expect(bad).toHaveLength(1);
    m.apply({ kind: "delete", key: k2 });
    expect(m.list()).toEqual([]);
  });
});
