import { SCALING } from "@agora/autoscaling/targets";
import { describe, expect, it } from "vitest";
import { scaledInstanceByName, serviceByName } from "../apps.ts";
import { storefrontPorts, topology } from "../topology.ts";
import { localTargets } from "./targets.ts";

const t = topology("test");

describe("local autoscaler targets", () => {
  const targets = localTargets(t);

  it("scales the storefront within the topology's slots, by the scaling table's local row", () => {
    const storefront = targets.find((x) => x.name === "storefront");
    expect(storefront?.horizontal).toMatchObject({
      minReplicas: SCALING.local.web.storefront.minReplicas,
      maxReplicas: SCALING.local.web.storefront.maxReplicas,
    });
    expect(storefront!.horizontal.maxReplicas).toBeLessThanOrEqual(storefrontPorts(t).length);
    expect(storefrontPorts(t).slice(0, t.apps.storefront.length)).toEqual(t.apps.storefront);
  });

  it("leaves fixed-size pools (leader loops, job schedulers, the webhook port) to the supervisor", () => {
    const names = targets.map((x) => x.name);
    for (const pool of ["workers-maintenance", "workers-analytics", "workers-payments"]) expect(names).not.toContain(pool);
    expect(names).toEqual(expect.arrayContaining(["workers-sagas", "workers-notifications", "workers-imports"]));
  });

  it("has a process spec for every instance it may start", () => {
    for (const target of targets)
      for (let k = 1; k <= target.horizontal.maxReplicas; k++)
        expect(serviceByName(t, target.instanceName(k)), target.instanceName(k)).toBeDefined();
    // Names beyond the slots, and a second payments process (one webhook port), are not startable.
    expect(scaledInstanceByName(t, `storefront-${storefrontPorts(t).length + 1}`)).toBeUndefined();
    expect(scaledInstanceByName(t, "workers-payments-2")).toBeUndefined();
  });
});
