import { TRPCError } from "@trpc/server";
import { afterEach, describe, expect, it } from "vitest";
import { installOpsBackend, type OpsBackend, type ScalingState, SpikeAlreadyRunningError } from "../backend.ts";
import { scalingOverview, startSaleSpike } from "./scaling-overview.ts";
import { startSpikeInput } from "./scaling.schema.ts";

const AUTOSCALER = {
  enabled: true,
  intervalMs: 15_000,
  updatedAt: "2026-12-05T10:00:30.000Z",
  targets: {
    storefront: { current: 2, desired: 3, min: 2, max: 4, instances: ["storefront-1", "storefront-2"], metrics: { cpuMillicores: 900 }, reason: "desired-within-range" },
  },
  decisions: [
    { at: "2026-12-05T10:00:15.000Z", target: "storefront", from: 2, to: 2, reason: "scale-down-stabilized", by: "hpa", metrics: {}, proposals: { cpu: 1 } },
    { at: "2026-12-05T10:00:30.000Z", target: "storefront", from: 2, to: 3, reason: "desired-within-range", by: "hpa", metrics: { cpuMillicores: 900 }, proposals: { cpu: 3 } },
  ],
  samples: [
    { at: "2026-12-05T10:00:30.000Z", instances: { storefront: 2, "workers-sagas": 1 }, rps: 120, responseMs: 35, queueAgeSeconds: { "workers-sagas": 4 }, backlog: { "workers-sagas": 10 } },
  ],
};

function backend(state: ScalingState | null, start: OpsBackend["startSpike"] = () => Promise.resolve()): void {
  installOpsBackend({ name: "fake", scalingState: () => Promise.resolve(state), startSpike: start } as OpsBackend);
}

describe("ops.scaling", () => {
  afterEach(() => installOpsBackend(undefined));

  it("charts instances and queue age per target and lists the newest decision first", async () => {
    backend({ autoscaler: AUTOSCALER, spike: { running: false, progress: null, latest: null } });
    const o = await scalingOverview();
    if (!o.available) throw new Error("expected an overview");
    expect(o.targets).toEqual([expect.objectContaining({ name: "storefront", current: 2, desired: 3 })]);
    expect(o.decisions.map((d) => d.reason)).toEqual(["desired-within-range", "scale-down-stabilized"]);
    expect(o.series[0]).toMatchObject({ t: Date.parse("2026-12-05T10:00:30.000Z"), rps: 120, "instances:storefront": 2, "age:workers-sagas": 4 });
  });

  it("leaves out a record of an unexpected shape instead of failing the page", async () => {
    backend({ autoscaler: { enabled: "yes" }, spike: { running: true, progress: { windows: "x" }, latest: null } });
    const o = await scalingOverview();
    expect(o).toMatchObject({ available: true, enabled: null, targets: [], decisions: [], spike: { running: true, progress: null } });
  });

  it("says so when the deployment keeps no autoscaler record", async () => {
    backend(null);
    expect(await scalingOverview()).toEqual({ available: false });
  });

  it("refuses a second spike with CONFLICT", async () => {
    backend(null, () => Promise.reject(new SpikeAlreadyRunningError()));
    const err = await startSaleSpike("00000000-0000-4000-8000-000000000000", startSpikeInput.parse({})).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe("CONFLICT");
  });

  it("bounds a spike's duration and connections", () => {
    expect(startSpikeInput.parse({})).toEqual({ durationS: 180, connections: 40, shoppers: 5, autoscale: true });
    expect(startSpikeInput.safeParse({ durationS: 3600 }).success).toBe(false);
    expect(startSpikeInput.safeParse({ connections: 1000 }).success).toBe(false);
  });
});
