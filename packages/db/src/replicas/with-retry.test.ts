import { describe, expect, it } from "vitest";
import { DatabaseUnavailableError } from "../errors/database-errors.ts";
import { backoffDelay, withRetry } from "./with-retry.ts";

const noSleep = async () => undefined;

describe("withRetry", () => {
  it("retries an unavailable database up to the attempt bound, then rethrows", async () => {
    let calls = 0;
    const err = new DatabaseUnavailableError("core", "ECONNREFUSED");
    await expect(
      withRetry(
        async () => {
          calls++;
          throw err;
        },
        { attempts: 3, sleep: noSleep },
      ),
    ).rejects.toBe(err);
    expect(calls).toBe(3);
  });

  it("returns as soon as an attempt succeeds", async () => {
    let calls = 0;
    const value = await withRetry(
      async () => {
        calls++;
        if (calls < 2) throw new DatabaseUnavailableError("core", "57P01");
        return "ok";
      },
      { sleep: noSleep },
    );
    expect(value).toBe("ok");
    expect(calls).toBe(2);
  });

  it("never retries an error that is not about availability", async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new Error("duplicate key");
        },
        { sleep: noSleep },
      ),
    ).rejects.toThrow("duplicate key");
    expect(calls).toBe(1);
  });

  it("backs off exponentially with full jitter under a cap", () => {
    expect(backoffDelay(0, 100, 2000, () => 0.999)).toBeLessThanOrEqual(100);
    expect(backoffDelay(3, 100, 2000, () => 0.999)).toBeLessThanOrEqual(800);
    expect(backoffDelay(10, 100, 2000, () => 0.999)).toBeLessThanOrEqual(2000);
    expect(backoffDelay(3, 100, 2000, () => 0)).toBe(0);
  });
});
