/**
 * Running the media command-line tools (ffprobe, ffmpeg, pdfinfo, pdftoppm from Debian's `ffmpeg`
 * and `poppler-utils`): no shell, arguments as an array, a hard timeout (the process is killed),
 * bounded output kept, and one error class whose message never reaches a response (the tool's
 * stderr goes to the log; callers turn a failure into a typed 4xx).
 */
import { spawn } from "node:child_process";

export class MediaToolError extends Error {
  readonly code = "MEDIA_TOOL_FAILED";
  constructor(
    readonly tool: string,
    readonly detail: string,
  ) {
    super(`${tool} failed: ${detail}`);
    this.name = "MediaToolError";
  }
}

/** Output kept from a tool (ffprobe's JSON of a normal file is a few KB). */
const MAX_OUTPUT_CHARS = 1_000_000;
const STDERR_TAIL_CHARS = 2_000;

export interface RunToolOptions {
  timeoutMs: number;
  /** Each chunk of stdout as it arrives (ffmpeg's `-progress pipe:1`). */
  onStdout?: (chunk: string) => void;
}

/** Runs `tool args…` and resolves with its stdout; rejects with MediaToolError otherwise. */
export function runTool(tool: string, args: string[], opts: RunToolOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (out.length < MAX_OUTPUT_CHARS) out += chunk;
      opts.onStdout?.(chunk);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      err = (err + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(new MediaToolError(tool, e.message));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else if (signal === "SIGKILL")
        reject(new MediaToolError(tool, `timed out after ${opts.timeoutMs} ms`));
      else reject(new MediaToolError(tool, `exit ${code ?? signal}: ${err.trim()}`));
    });
  });
}

export interface ProbedMedia {
  durationMs: number;
  video?: { codec: string; width: number; height: number };
  audio?: { codec: string };
  formatName: string;
}

/** ffprobe's view of a media file: duration, first video and audio stream. */
export async function probeMedia(file: string, timeoutMs = 15_000): Promise<ProbedMedia> {
  const json = await runTool(
    "ffprobe",
    ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file],
    { timeoutMs },
  );
  const parsed = JSON.parse(json) as {
    format?: { duration?: string; format_name?: string };
    streams?: { codec_type?: string; codec_name?: string; width?: number; height?: number }[];
  };
  const v = parsed.streams?.find((s) => s.codec_type === "video");
  const a = parsed.streams?.find((s) => s.codec_type === "audio");
  return {
    durationMs: Math.round(Number(parsed.format?.duration ?? 0) * 1000) || 0,
    formatName: parsed.format?.format_name ?? "",
    video: v
      ? { codec: v.codec_name ?? "", width: v.width ?? 0, height: v.height ?? 0 }
      : undefined,
    audio: a ? { codec: a.codec_name ?? "" } : undefined,
  };
}
