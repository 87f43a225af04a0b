/** Counts of one fuzz run and the failures it found (a 5xx, or internal detail in a body). */
import { internalDetailIn } from "./internals.ts";

export interface FuzzRequest {
  label: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array<ArrayBuffer> | FormData;
}

export class Tally {
  cases = 0;
  readonly byStatus = new Map<number, number>();
  readonly failures: string[] = [];

  record(req: FuzzRequest, status: number, body: string): void {
    this.cases++;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    const where = `${req.method} ${req.path.slice(0, 120)} (${req.label})`;
    if (status >= 500) this.failures.push(`${status} for ${where}: ${body.slice(0, 300)}`);
    const leak = internalDetailIn(body);
    if (leak) this.failures.push(`internal detail for ${where}: ${leak}`);
  }

  summary(): string {
    const statuses = [...this.byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([s, n]) => `${s}×${n}`)
      .join(" ");
    return `${this.cases} cases, ${this.failures.length} failures (statuses ${statuses})`;
  }
}

/** Sends `req` to `baseUrl` and records the answer. */
export async function send(tally: Tally, baseUrl: string, req: FuzzRequest): Promise<number> {
  let res: Response;
  const attempt = () =>
    fetch(`${baseUrl}${req.path}`, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      redirect: "manual",
      signal: AbortSignal.timeout(30_000),
    });
  try {
    res = await attempt().catch((err: unknown) => {
      // A kept-alive connection the server closed after its previous answer (Node closes after a
      // 431 for an oversized request line): like a browser, repeat an idempotent request once.
      if (IDEMPOTENT.has(req.method) && isReset(err)) return attempt();
      throw err;
    });
  } catch (err) {
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : "";
    throw new Error(
      `${req.method} ${req.path.slice(0, 120)} (${req.label}): ${String(err)} ${cause}`,
      {
        cause: err,
      },
    );
  }
  const body = await res.text();
  tally.record(req, res.status, body);
  return res.status;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "PUT", "DELETE", "OPTIONS"]);

function isReset(err: unknown): boolean {
  const cause = err instanceof Error ? (err.cause as { code?: string } | undefined) : undefined;
  return cause?.code === "ECONNRESET" || cause?.code === "UND_ERR_SOCKET";
}

/** Runs `fn` over `items` with at most `limit` at a time. */
export async function inPool<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<unknown>,
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
