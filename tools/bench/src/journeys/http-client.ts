/**
 * A small HTTP client for the shopper journeys: one per simulated client, with its identity
 * (headers or a bound source address), its cookies and a timeout on every call. HTTP or HTTPS as
 * the URL says (the local profile's public URLs are HTTPS; the CLIs trust the local CA through
 * NODE_EXTRA_CA_CERTS, see runTrustingCa).
 */
import { Agent, request } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { ClientIdentity } from "../identity.ts";

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export class BenchHttpError extends Error {
  readonly code = "BENCH_HTTP";
  constructor(
    message: string,
    readonly status: number,
    /** What a tRPC error said beyond its status: its domain code, Retry-After and details. */
    readonly answer: {
      domainCode?: string | null;
      retryAfterSeconds?: number | null;
      details?: Record<string, unknown> | null;
    } = {},
  ) {
    super(message);
    this.name = "BenchHttpError";
  }
}

export class ShopperClient {
  private readonly cookies = new Map<string, string>();
  private readonly agent: Agent;
  private readonly httpsAgent: HttpsAgent;

  constructor(
    private readonly baseUrl: string,
    readonly identity: ClientIdentity,
    private readonly timeoutMs = 30_000,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: 4 });
    this.httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 4 });
  }

  async send(
    method: "GET" | "POST",
    path: string,
    body?: { json?: unknown; form?: Record<string, string> },
    url = this.baseUrl,
  ): Promise<HttpResponse> {
    const target = new URL(path, url);
    const headers: Record<string, string> = {
      ...this.identity.headers,
      accept: "application/json",
    };
    let payload: string | undefined;
    if (body?.json !== undefined) {
      payload = JSON.stringify(body.json);
      headers["content-type"] = "application/json";
    } else if (body?.form) {
      payload = new URLSearchParams(body.form).toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
    // Cookies belong to the gateway's origin only (the payment provider gets none).
    if (url === this.baseUrl && this.cookies.size) headers.cookie = this.cookieHeader();
    return new Promise<HttpResponse>((resolve, reject) => {
      const secure = target.protocol === "https:";
      const req = (secure ? httpsRequest : request)(
        target,
        {
          method,
          headers,
          agent: secure ? this.httpsAgent : this.agent,
          localAddress: this.identity.localAddress,
          signal: AbortSignal.timeout(this.timeoutMs),
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            if (url === this.baseUrl) this.keepCookies(res.headers["set-cookie"]);
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString("utf8"),
            });
          });
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  private keepCookies(setCookie: string[] | undefined): void {
    for (const line of setCookie ?? []) {
      const [pair] = line.split(";");
      const eq = pair?.indexOf("=") ?? -1;
      if (!pair || eq < 1) continue;
      const value = pair.slice(eq + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line))
        this.cookies.delete(pair.slice(0, eq));
      else this.cookies.set(pair.slice(0, eq), value);
    }
  }

  /** The Cookie header this client sends to the gateway (for handing its session to a load loop). */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  hasCookie(namePart: string): boolean {
    return [...this.cookies.keys()].some((k) => k.includes(namePart));
  }

  close(): void {
    this.agent.destroy();
    this.httpsAgent.destroy();
  }
}
