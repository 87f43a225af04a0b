import { describe, expect, it } from "vitest";
import { RollupBatcher } from "./rollup-batcher.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A batcher whose writes are recorded; `slowMs` keeps each write open that long. */
function recording(opts: { windowMs?: number; maxItems?: number; slowMs?: number } = {}) {
  const writes: string[][] = [];
  let open = 0;
  let mostOpen = 0;
  const batcher = new RollupBatcher<string, string>({
    windowMs: opts.windowMs ?? 20,
    maxItems: opts.maxItems ?? 10,
    write: async (items) => {
      writes.push(items);
      open++;
      mostOpen = Math.max(mostOpen, open);
      await sleep(opts.slowMs ?? 0);
      open--;
      return items.map((i) => `counted ${i}`);
    },
    writeOne: async (item) => `alone ${item}`,
  });
  return { batcher, writes, mostOpen: () => mostOpen };
}

describe("RollupBatcher", () => {
  it("writes what comes in within a window as one batch, and answers each item its own result", async () => {
    const { batcher, writes } = recording({ windowMs: 30 });
    const first = batcher.submit("a");
    await sleep(5);
    const results = await Promise.all([first, batcher.submit("b"), batcher.submit("c")]);
    expect(results).toEqual(["counted a", "counted b", "counted c"]);
    expect(writes).toEqual([["a", "b", "c"]]);
  });

  it("does not settle an item before its batch is written", async () => {
    const { batcher } = recording({ windowMs: 30, slowMs: 30 });
    let settled = false;
    const item = batcher.submit("a").then(() => (settled = true));
    await sleep(45); // the window has passed, the write is still open
    expect(settled).toBe(false);
    await item;
    expect(settled).toBe(true);
  });

  it("writes a full batch at once, without waiting for the window", async () => {
    const { batcher, writes } = recording({ windowMs: 60_000, maxItems: 2 });
    expect(await Promise.all([batcher.submit("a"), batcher.submit("b")])).toEqual([
      "counted a",
      "counted b",
    ]);
    expect(writes).toEqual([["a", "b"]]);
  });

  it("writes one batch at a time; what comes in meanwhile goes into the next", async () => {
    const { batcher, writes, mostOpen } = recording({ windowMs: 5, maxItems: 3, slowMs: 30 });
    const early = [batcher.submit("a"), batcher.submit("b")];
    await sleep(15); // the first batch is being written
    const late = ["c", "d", "e", "f", "g"].map((i) => batcher.submit(i));
    await Promise.all([...early, ...late]);
    expect(writes).toEqual([["a", "b"], ["c", "d", "e"], ["f", "g"]]);
    expect(mostOpen()).toBe(1);
  });

  it("writes the items of a failed batch one by one, so a bad one fails alone", async () => {
    const failures: number[] = [];
    const batcher = new RollupBatcher<string, string>({
      windowMs: 5,
      maxItems: 10,
      write: async () => Promise.reject(new Error("order stream cannot be rolled up")),
      writeOne: async (item) =>
        item === "bad" ? Promise.reject(new Error(`cannot count ${item}`)) : `alone ${item}`,
      onBatchError: (_err, size) => failures.push(size),
    });
    const results = await Promise.allSettled(["a", "bad", "c"].map((i) => batcher.submit(i)));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : String(r.reason)))).toEqual([
      "alone a",
      "Error: cannot count bad",
      "alone c",
    ]);
    expect(failures).toEqual([3]);
    // The batcher goes on after a failed batch.
    expect(await batcher.submit("d")).toBe("alone d");
  });

  it("writes what is still waiting when it closes", async () => {
    const { batcher, writes } = recording({ windowMs: 60_000 });
    const pending = batcher.submit("a");
    await batcher.close();
    expect(await pending).toBe("counted a");
    expect(writes).toEqual([["a"]]);
  });
});
