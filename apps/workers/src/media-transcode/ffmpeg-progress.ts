/**
 * ffmpeg's `-progress pipe:1` output turned into a percentage: it writes `key=value` blocks, each
 * ending with `progress=continue` (or `progress=end`); `out_time_us` is how far into the output
 * the encoder is. The percentage is capped at 99 until `progress=end`, so a job never shows 100
 * before its files are written.
 */
export class FfmpegProgress {
  private buffered = "";
  private outTimeUs = 0;
  private last = -1;

  constructor(
    private readonly durationMs: number,
    private readonly onPercent: (percent: number) => void,
  ) {}

  /** Feed a chunk of ffmpeg's stdout (lines may be split across chunks). */
  push(chunk: string): void {
    this.buffered += chunk;
    const lines = this.buffered.split("\n");
    this.buffered = lines.pop() ?? "";
    for (const line of lines) {
      const eq = line.indexOf("=");
      if (eq < 0) continue;
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      if (key === "out_time_us" && /^\d+$/.test(value)) this.outTimeUs = Number(value);
      else if (key === "progress") this.report(value === "end" ? 100 : this.percentSoFar());
    }
  }

  private percentSoFar(): number {
    if (this.durationMs <= 0) return 0;
    return Math.min(99, Math.floor(this.outTimeUs / 10 / this.durationMs));
  }

  private report(percent: number): void {
    if (percent === this.last) return;
    this.last = percent;
    this.onPercent(percent);
  }
}
