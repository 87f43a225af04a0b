import { describe, expect, it } from "vitest";
import { CheckpointRecorder } from "./search-projection.ts";

const at = (cluster: string, outboxId: number) => ({ cluster, outboxId: String(outboxId), createdAt: `2026-12-06T00:00:0${outboxId % 10}Z` });

describe("CheckpointRecorder", () => {
  it("writes one checkpoint per source per flush: the newest position noted, whatever the order", async () => {
    const written: { source: string; position: bigint }[][] = [];
    const r = new CheckpointRecorder({ everyMs: 60_000, write: async (cs) => void written.push(cs.map(({ source, position }) => ({ source, position }))) });
    r.note(at("shard-1", 5));
    r.note(at("shard-1", 9));
    r.note(at("shard-1", 7));
    r.note(at("shard-2", 3));
    await r.flush();
    expect(written).toEqual([[{ source: "shard-1", position: 9n }, { source: "shard-2", position: 3n }]]);
    await r.flush();
    expect(written).toHaveLength(1);
    await r.close();
  });

  it("keeps what a failed write held for the next flush (unless something newer came)", async () => {
    let fail = true;
    const written: bigint[] = [];
    const errors: unknown[] = [];
    const r = new CheckpointRecorder({
      everyMs: 60_000,
      write: async (cs) => {
        if (fail) throw new Error("core failing over");
        written.push(...cs.map((c) => c.position));
      },
      onError: (err) => errors.push(err),
    });
    r.note(at("shard-1", 4));
    await r.flush();
    expect(errors).toHaveLength(1);
    fail = false;
    await r.flush();
    expect(written).toEqual([4n]);
    await r.close();
  });

  it("flushes by itself shortly after a note, and on close", async () => {
    const written: bigint[] = [];
    const r = new CheckpointRecorder({ everyMs: 20, write: async (cs) => void written.push(...cs.map((c) => c.position)) });
    r.note(at("shard-1", 1));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(written).toEqual([1n]);
    r.note(at("shard-1", 2));
    await r.close();
    expect(written).toEqual([1n, 2n]);
  });
});
