import { describe, expect, it } from "vitest";
import { bucketStart, bucketStarts, dayChunks, recentDays, wholeDays } from "./buckets.ts";

const at = (iso: string) => new Date(iso);

describe("analytics buckets", () => {
  it("puts an instant in the UTC hour and UTC day that hold it", () => {
    const t = at("2026-03-29T01:59:59.999Z");
    expect(bucketStart(t, "hour").toISOString()).toBe("2026-03-29T01:00:00.000Z");
    expect(bucketStart(t, "day").toISOString()).toBe("2026-03-29T00:00:00.000Z");
  });

  it("keeps a bucket's own start in that bucket and its end in the next one", () => {
    expect(bucketStart(at("2026-01-01T10:00:00Z"), "hour").toISOString()).toBe(
      "2026-01-01T10:00:00.000Z",
    );
    expect(bucketStart(at("2026-01-02T00:00:00Z"), "day").toISOString()).toBe(
      "2026-01-02T00:00:00.000Z",
    );
  });

  it("lists every bucket of a half-open range, starting with the bucket that holds its start", () => {
    const hours = bucketStarts(at("2026-01-01T22:30:00Z"), at("2026-01-02T01:00:00Z"), "hour");
    expect(hours.map((d) => d.toISOString())).toEqual([
      "2026-01-01T22:00:00.000Z",
      "2026-01-01T23:00:00.000Z",
      "2026-01-02T00:00:00.000Z",
    ]);
    expect(bucketStarts(at("2026-01-01T00:00:00Z"), at("2026-01-01T00:00:00Z"), "day")).toEqual([]);
  });

  it("crosses month and leap-day boundaries in days", () => {
    const days = bucketStarts(at("2028-02-28T12:00:00Z"), at("2028-03-01T00:00:01Z"), "day");
    expect(days.map((d) => d.toISOString().slice(0, 10))).toEqual([
      "2028-02-28",
      "2028-02-29",
      "2028-03-01",
    ]);
  });

  it("widens a range to whole days and leaves a whole-day range alone", () => {
    const w = wholeDays(at("2026-05-03T08:00:00Z"), at("2026-05-04T01:00:00Z"));
    expect([w.from.toISOString(), w.to.toISOString()]).toEqual([
      "2026-05-03T00:00:00.000Z",
      "2026-05-05T00:00:00.000Z",
    ]);
    const same = wholeDays(at("2026-05-03T00:00:00Z"), at("2026-05-04T00:00:00Z"));
    expect(same.to.toISOString()).toBe("2026-05-04T00:00:00.000Z");
  });

  it("takes the last N days including today", () => {
    const r = recentDays(at("2026-11-27T09:30:00Z"), 2);
    expect([r.from.toISOString(), r.to.toISOString()]).toEqual([
      "2026-11-26T00:00:00.000Z",
      "2026-11-28T00:00:00.000Z",
    ]);
  });

  it("splits a range into day chunks that cover it exactly", () => {
    const chunks = dayChunks(at("2026-01-01T00:00:00Z"), at("2026-01-03T12:00:00Z"));
    expect(chunks.map((c) => [c.from.toISOString(), c.to.toISOString()])).toEqual([
      ["2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z"],
      ["2026-01-02T00:00:00.000Z", "2026-01-03T00:00:00.000Z"],
      ["2026-01-03T00:00:00.000Z", "2026-01-03T12:00:00.000Z"],
    ]);
  });
});
