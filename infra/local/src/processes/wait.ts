import { existsSync, readFileSync, statSync } from "node:fs";
import { request as httpsRequest } from "node:https";
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
  opts: {
    timeoutMs: number;
    intervalMs?: number;
    process: string;
    logFile?: string;
    /** Set once the process has stopped for good ("exited with code 3"): the wait fails at once. */
    exited?: () => string | undefined;
  },
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
    // A process that crashed on start-up never gets ready: say so now, not at the deadline.
    const exit = opts.exited?.();
    if (exit !== undefined) {
      throw new StartupError(
        `${opts.process}: ${exit} while waiting for ${what}.\nlog: ${opts.logFile ?? "n/a"}\n${tail(opts.logFile, 20)}`,
        opts.process,
        opts.logFile,
      );
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
  tls?: HttpsTrust,
): Promise<{ status: number; body: string }> {
  if (tls && url.startsWith("https:")) return httpsCall("GET", url, undefined, timeoutMs, tls);
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  return { status: res.status, body: await res.text() };
}

/** Files of an https call: the CA the server must chain to, and a client pair for mTLS. */
export interface HttpsTrust {
  ca: string;
  cert?: string;
  key?: string;
}

/** File contents by path: read once per change of the file (rotation replaces them by rename). */
const pemCache = new Map<string, { mtimeMs: number; data: Buffer }>();
export function pem(path: string): Buffer {
  const mtimeMs = statSync(path).mtimeMs;
  const hit = pemCache.get(path);
  if (hit && hit.mtimeMs === mtimeMs) return hit.data;
  const data = readFileSync(path);
  pemCache.set(path, { mtimeMs, data });
  return data;
}

/**
 * An https request verified against `tls.ca` (name included), presenting a client certificate
 * when given. node:https rather than fetch: fetch takes neither a CA nor a client pair without
 * undici's dispatcher, which is not a dependency here.
 */
function httpsCall(
  method: "GET" | "POST" | "PATCH",
  url: string,
  body: string | undefined,
  timeoutMs: number,
  tls: HttpsTrust,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        ca: pem(tls.ca),
        ...(tls.cert && tls.key ? { cert: pem(tls.cert), key: pem(tls.key) } : {}),
        headers: body === undefined ? {} : { "content-type": "application/json" },
        timeout: timeoutMs,
        // One connection per probe: a rotated certificate is seen by the next call.
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`${url}: no answer in ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end(body);
  });
}

export async function httpPost(
  url: string,
  body: unknown,
  timeoutMs = 1000,
  tls?: HttpsTrust,
): Promise<{ status: number; body: string }> {
  if (tls && url.startsWith("https:")) return httpsCall("POST", url, JSON.stringify(body), timeoutMs, tls);
  const res = await fetch(url, {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, body: await res.text() };
}

/** PATCH with a JSON body over https (Patroni's `/config`). */
export function httpPatch(
  url: string,
  body: unknown,
  timeoutMs: number,
  tls: HttpsTrust,
): Promise<{ status: number; body: string }> {
  return httpsCall("PATCH", url, JSON.stringify(body), timeoutMs, tls);
}
