import { describe, expect, it } from "vitest";
import { FfmpegProgress } from "./ffmpeg-progress.ts";

const block = (outTimeUs: string, progress = "continue") =>
  `frame=10\nout_time_us=${outTimeUs}\nout_time=00:00:00.4\nspeed=1x\nprogress=${progress}\n`;

describe("FfmpegProgress", () => {
  it("reports the share of the duration encoded, once per change, 100 only at progress=end", () => {
    const seen: number[] = [];
    const p = new FfmpegProgress(2_000, (n) => seen.push(n));
    p.push(block("500000"));
    p.push(block("500000"));
    // a block split across chunks
    const b = block("1000000");
    p.push(b.slice(0, 7));
    p.push(b.slice(7));
    p.push(block("2000000"));
    p.push(block("N/A", "end"));
    expect(seen).toEqual([25, 50, 99, 100]);
  });

  it("stays at 0 when the duration is unknown", () => {
    const seen: number[] = [];
    const p = new FfmpegProgress(0, (n) => seen.push(n));
    p.push(block("900000"));
    expect(seen).toEqual([0]);
  });
});
