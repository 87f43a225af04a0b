import { describe, expect, it } from "vitest";
import { loadConfig } from "../load-config.ts";
import { configErrorOf } from "../testing.ts";
import { telemetrySchema } from "./telemetry.ts";

describe("the trace reservoir setting", () => {
  it("is unset by default and reads a whole number of traces per second", () => {
    expect(loadConfig(telemetrySchema, {}).AGORA_TRACE_RESERVOIR_PER_SECOND).toBeUndefined();
    expect(loadConfig(telemetrySchema, { AGORA_TRACE_RESERVOIR_PER_SECOND: "5" }).AGORA_TRACE_RESERVOIR_PER_SECOND).toBe(5);
  });

  it("refuses a negative or fractional reservoir, naming the variable and the value", () => {
    for (const value of ["-1", "2.5"]) {
      const err = configErrorOf(() => loadConfig(telemetrySchema, { AGORA_TRACE_RESERVOIR_PER_SECOND: value }));
      expect(err.variables).toEqual(["AGORA_TRACE_RESERVOIR_PER_SECOND"]);
      expect(err.message).toContain(`"${value}"`);
    }
  });
});
