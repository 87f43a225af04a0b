/**
 * How fast a product video starts through the CDN edge: what a `<video preload="metadata">` asks
 * first is the start of the file (the MP4 index sits there, +faststart), so each sample is one
 * `Range: bytes=0-1048575` request, timed to its first byte (TTFB) and to its last (the first
 * MB: index plus the first seconds of picture). MISS samples use URLs the edge has never seen (a
 * fresh `?v=`), so the edge fetches the first 1 MB slice from the media origin; HIT samples ask
 * again for URLs already cached. One request at a time over one kept-alive connection, as one
 * viewer's browser would; every loop bounded by its sample count and a per-request timeout.
 *
 * The video is made here with ffmpeg (a 720p test pattern, H.264/AAC, +faststart) and placed under
 * the running product's media folder for the run, then removed.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, statSync } from "node:fs";
import { Agent, request } from "node:http";
import { join } from "node:path";

export const FIRST_RANGE = "bytes=0-1048575";
const REQUEST_TIMEOUT_MS = 10_000;

export interface BenchVideo {
  /** `/media/bench/<run>/video.mp4`. */
  urlPath: string;
  bytes: number;
  remove(): void;
}

export function placeBenchVideo(stateDir: string, runId: string, seconds = 5): BenchVideo {
  const dir = join(stateDir, "media", "bench", runId);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "video.mp4");
  execFileSync(
    "ffmpeg",
    [
      ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-threads", "1"],
      ["-f", "lavfi", "-i", `testsrc2=duration=${seconds}:size=1280x720:rate=30`],
      ["-f", "lavfi", "-i", `sine=frequency=440:duration=${seconds}`],
      ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "20", "-pix_fmt", "yuv420p"],
      ["-c:a", "aac", "-threads", "1", "-movflags", "+faststart", "-shortest", file],
    ].flat(),
    { timeout: 120_000 },
  );
  return {
    urlPath: `/media/bench/${runId}/video.mp4`,
    bytes: statSync(file).size,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface RangeSample {
  status: number;
  cache: string | null;
  ttfbMs: number;
  firstMbMs: number;
  bytes: number;
}

/** One timed `Range` GET over `agent`. */
export function timedRange(agent: Agent, url: URL, range = FIRST_RANGE): Promise<RangeSample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(url, { agent, headers: { range }, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      const ttfbMs = performance.now() - t0;
      let bytes = 0;
      res.on("data", (chunk: Buffer) => (bytes += chunk.length));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          cache: (res.headers["x-cache"] as string | undefined) ?? null,
          ttfbMs,
          firstMbMs: performance.now() - t0,
          bytes,
        }),
      );
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end();
  });
}

export interface VideoStartRun {
  samples: RangeSample[];
  errors: string[];
  elapsedMs: number;
}

/**
 * `samples` first-range requests for distinct URLs of the video; `cached`: each URL is requested
 * once untimed before its timed request (HIT), otherwise the timed request is the first (MISS).
 */
export async function measureVideoStart(opts: {
  cdnUrl: string;
  video: BenchVideo;
  runId: string;
  samples: number;
  cached: boolean;
}): Promise<VideoStartRun> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const out: VideoStartRun = { samples: [], errors: [], elapsedMs: 0 };
  const t0 = performance.now();
  try {
    // Open the connection first: the samples time the edge, not the TCP handshake.
    await timedRange(agent, new URL("/healthz", opts.cdnUrl), "bytes=0-");
    for (let i = 0; i < opts.samples; i++) {
      const url = new URL(
        `${opts.video.urlPath}?v=${opts.runId}-${opts.cached ? "hit" : "miss"}-${i}`,
        opts.cdnUrl,
      );
      try {
        if (opts.cached) await timedRange(agent, url);
        out.samples.push(await timedRange(agent, url));
      } catch (err) {
        out.errors.push(err instanceof Error ? err.message : String(err));
      }
    }
  } finally {
    agent.destroy();
    out.elapsedMs = performance.now() - t0;
  }
  return out;
}
