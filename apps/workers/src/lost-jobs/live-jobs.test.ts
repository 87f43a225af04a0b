import { describe, expect, it } from "vitest";
import { idleJobs, LiveJobCheckTimeoutError, missingJobIds } from "./live-jobs.ts";

type Queue = Parameters<typeof missingJobIds>[0];
type Found = Awaited<ReturnType<Queue["getJob"]>>;

/** A queue holding jobs of `ids` (in whatever state: the hash is there either way). */
function fakeQueue(ids: string[], delayMs = 0) {
  let inFlight = 0;
  let maxInFlight = 0;
  const queue = {
    name: "q",
    getJob: async (id: string): Promise<Found> => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, delayMs));
      inFlight--;
      return (ids.includes(id) ? { id } : undefined) as Found;
    },
  };
  return { queue, maxInFlight: () => maxInFlight };
}

describe("missingJobIds", () => {
  it("names only the ids Redis holds no job for", async () => {
    const { queue } = fakeQueue(["waiting", "delayed", "active", "completed", "failed"]);
    expect(await missingJobIds(queue, ["waiting", "delayed", "active", "completed", "failed", "lost-1", "lost-2"])).toEqual(
      new Set(["lost-1", "lost-2"]),
    );
  });

  it("asks a bounded number of ids at a time", async () => {
    const { queue, maxInFlight } = fakeQueue([], 1);
    const ids = Array.from({ length: 200 }, (_, i) => `id-${i}`);
    expect((await missingJobIds(queue, ids)).size).toBe(200);
    expect(maxInFlight()).toBeLessThanOrEqual(32);
  });

  it("gives up with a typed error when Redis does not answer in time", async () => {
    const queue = { name: "q", getJob: () => new Promise<Found>(() => undefined) };
    await expect(missingJobIds(queue, ["x"], 50)).rejects.toBeInstanceOf(LiveJobCheckTimeoutError);
  });

  it("asks nothing for no ids", async () => {
    const { queue, maxInFlight } = fakeQueue([]);
    expect(await missingJobIds(queue, [])).toEqual(new Set());
    expect(maxInFlight()).toBe(0);
  });
});

describe("idleJobs", () => {
  /** Jobs by id with their state; only a finished job has `finishedOn`. */
  function queueOf(states: Record<string, "waiting" | "completed" | "failed">) {
    const isFailedAsked: string[] = [];
    const queue = {
      name: "q",
      getJob: async (id: string): Promise<Found> => {
        const state = states[id];
        if (!state) return undefined;
        return {
          id,
          finishedOn: state === "waiting" ? undefined : 1,
          isFailed: async () => {
            isFailedAsked.push(id);
            return state === "failed";
          },
        } as unknown as Found;
      },
    };
    return { queue, isFailedAsked };
  }

  it("names the missing ids and, when asked, the jobs that failed for good", async () => {
    const { queue, isFailedAsked } = queueOf({ w: "waiting", c: "completed", f: "failed" });
    const r = await idleJobs(queue, ["w", "c", "f", "gone"], { failed: true });
    expect(r.missing).toEqual(new Set(["gone"]));
    expect(r.failed.map((j) => j.id)).toEqual(["f"]);
    // A job still on its way is not asked about its finished state.
    expect(isFailedAsked.sort()).toEqual(["c", "f"]);
  });

  it("does not look at finished jobs unless asked", async () => {
    const { queue, isFailedAsked } = queueOf({ f: "failed" });
    const r = await idleJobs(queue, ["f"]);
    expect(r.failed).toEqual([]);
    expect(isFailedAsked).toEqual([]);
  });
});
