import { readFileSync, existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export class StartupError extends Error {
  readonly code = "STARTUP_FAILED";
  constructor(
    message: string,
    readonly process: string,
    readonly logFile?: string,
  ) {
    super(message);
  }
}

/** Last lines of a log, for error messages that say where and why a process failed. */
export function tail(file: string | undefined, lines = 15): string {
  if (!file || !existsSync(file)) return "(no log)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}

/**
 * Polls `check` until it returns a truthy value or the timeout passes; on timeout names the
 * process, its log, and the last thing the check reported.
 */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  opts: { timeoutMs: number; intervalMs?: number; process: string; logFile?: string },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let last = "";
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
      last = "not ready";
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() > deadline) {
      throw new StartupError(
        `${opts.process}: timed out after ${opts.timeoutMs} ms waiting for ${what} (last: ${last}).\n` +
          `log: ${opts.logFile ?? "n/a"}\n${tail(opts.logFile)}`,
        opts.process,
        opts.logFile,
      );
    }
    await sleep(opts.intervalMs ?? 250);
  }
}

/** GET with a hard timeout; returns status and body (never throws on HTTP status). */
export async function httpGet(
  url: string,
  timeoutMs = 1000,
): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

export async function httpPost(
  url: string,
  body: unknown,
  timeoutMs = 1000,
): Promise<{ status: number; body: string }> {
  const res = await fetch(url, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, body: await res.text() };
}
