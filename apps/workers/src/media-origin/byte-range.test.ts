import { describe, expect, it } from "vitest";
import { byteRange } from "./byte-range.ts";

describe("byteRange", () => {
  it("serves one range, clamping its end to the file and reading suffixes from the end", () => {
    expect(byteRange("bytes=0-99", 1000)).toEqual({ kind: "partial", start: 0, end: 99 });
    expect(byteRange("bytes=900-", 1000)).toEqual({ kind: "partial", start: 900, end: 999 });
    expect(byteRange("bytes=900-5000", 1000)).toEqual({ kind: "partial", start: 900, end: 999 });
    expect(byteRange("bytes=-100", 1000)).toEqual({ kind: "partial", start: 900, end: 999 });
    expect(byteRange("bytes=-5000", 1000)).toEqual({ kind: "partial", start: 0, end: 999 });
  });

  it("answers unsatisfiable for a start at or past the end, and for an empty suffix", () => {
    expect(byteRange("bytes=1000-", 1000)).toEqual({ kind: "unsatisfiable" });
    expect(byteRange("bytes=5000-6000", 1000)).toEqual({ kind: "unsatisfiable" });
    expect(byteRange("bytes=-0", 1000)).toEqual({ kind: "unsatisfiable" });
  });

  it("ignores what it does not serve: no header, other units, several ranges, reversed ranges", () => {
    for (const h of [
      undefined,
      "",
      "items=0-1",
      "bytes=0-1,5-6",
      "bytes=9-3",
      "bytes=-",
      "bytes=a-b",
    ])
      expect(byteRange(h, 1000)).toEqual({ kind: "whole" });
  });
});
