import { DatabaseUnavailableError } from "@agora/db";
import { describe, expect, it } from "vitest";
import { KEY_LOAD_RETRY, loadSigningKeysWithRetry } from "./load-signing-keys.ts";
import type { KeySet } from "./signing-keys.ts";

const KEYS: KeySet = { signing: [], published: [], currentKid: "kid-1" };

/** Records the backoff instead of waiting it out, so the tests run in milliseconds. */
function recordingSleep() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

describe("loadSigningKeysWithRetry", () => {
  it("starts once core answers after being unavailable for the first attempts", async () => {
    let calls = 0;
    const retried: number[] = [];
    const { delays, sleep } = recordingSleep();
    const keys = await loadSigningKeysWithRetry(
      async () => {
        calls++;
        if (calls <= 3) throw new DatabaseUnavailableError("core", "ECONNREFUSED");
        return KEYS;
      },
      { sleep, onRetry: (_err, attempt) => retried.push(attempt) },
    );
    expect(keys).toBe(KEYS);
    expect(calls).toBe(4);
    expect(retried).toEqual([1, 2, 3]);
    expect(delays).toHaveLength(3);
  });

  it("gives up after the configured attempts with the last error when core stays unavailable", async () => {
    let calls = 0;
    let last: unknown;
    const { delays, sleep } = recordingSleep();
    const thrown = await loadSigningKeysWithRetry(
      async () => {
        calls++;
        last = new DatabaseUnavailableError("core", `57P03 (attempt ${calls})`);
        throw last;
      },
      // The top of every jitter range: the backoff ceilings themselves.
      { sleep, random: () => 1 },
    ).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(thrown).toBeInstanceOf(DatabaseUnavailableError);
    expect(thrown).toBe(last);
    expect(calls).toBe(KEY_LOAD_RETRY.attempts);
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 8_000, 8_000, 8_000, 8_000]);
  });

  it("fails at once on an error that is not about the database being unavailable", async () => {
    let calls = 0;
    const { delays, sleep } = recordingSleep();
    await expect(
      loadSigningKeysWithRetry(
        async () => {
          calls++;
          throw new Error("transit key identity-signing: permission denied");
        },
        { sleep },
      ),
    ).rejects.toThrow("permission denied");
    expect(calls).toBe(1);
    expect(delays).toEqual([]);
  });
});
