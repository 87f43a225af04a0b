/**
 * A browser's worth of HTTP against a storefront (an instance, or the global edge) for the chaos
 * tests: cookies kept, tRPC's superjson envelopes unwrapped, status, timing and the region that
 * answered kept, and the credentials sign-in.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { SERVED_BY_HEADER } from "@agora/infra-local/regions";

export interface Answer<T> {
  status: number;
  ms: number;
  /** The region that answered (`X-Agora-Region`, set by the global edge and the storefronts). */
  region: string | null;
  data?: T;
  error?: { message?: string; code?: string; domainCode?: string };
}

export interface StorefrontClientOptions {
  /** Sent with every request, e.g. the simulated client location for the global edge. */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export class StorefrontClient {
  private readonly cookies = new Map<string, string>();
  constructor(
    readonly base: string,
    private readonly options: StorefrontClientOptions = {},
  ) {}

  async send(method: "GET" | "POST", path: string, body?: { json?: unknown; form?: Record<string, string> }) {
    const headers: Record<string, string> = {
      ...this.options.headers,
      cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "),
    };
    let payload: string | undefined;
    if (body?.json !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body.json);
    } else if (body?.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      payload = new URLSearchParams(body.form).toString();
    }
    const t0 = Date.now();
    const res = await fetch(`${this.base}${path}`, { method, headers, body: payload, redirect: "manual", signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return { status: res.status, text: await res.text(), ms: Date.now() - t0, region: res.headers.get(SERVED_BY_HEADER) };
  }

  hasCookie(part: string): boolean {
    return [...this.cookies.keys()].some((k) => k.includes(part));
  }

  async query<T>(procedure: string, input?: unknown): Promise<Answer<T>> {
    const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
    return envelope<T>(await this.send("GET", `/api/trpc/${procedure}${q}`));
  }

  async mutation<T>(procedure: string, input: unknown): Promise<Answer<T>> {
    return envelope<T>(await this.send("POST", `/api/trpc/${procedure}`, { json: { json: input } }));
  }

  /** Credentials sign-in, retried: the user may still be replicating to the region's copy. */
  async signIn(email: string, password: string, attempts = 20): Promise<boolean> {
    for (let i = 0; i < attempts && !this.hasCookie("session-token"); i++) {
      const csrf = JSON.parse((await this.send("GET", "/api/auth/csrf")).text) as { csrfToken: string };
      await this.send("POST", "/api/auth/callback/credentials", {
        form: { csrfToken: csrf.csrfToken, email, password, callbackUrl: this.base, json: "true" },
      });
      if (!this.hasCookie("session-token")) await sleep(500);
    }
    return this.hasCookie("session-token");
  }
}

function envelope<T>(r: { status: number; text: string; ms: number; region: string | null }): Answer<T> {
  let body: {
    result?: { data?: { json?: T } };
    error?: { json?: { message?: string; data?: { code?: string; domainCode?: string } } };
  } = {};
  try {
    body = JSON.parse(r.text) as typeof body;
  } catch (err) {
    // An edge's own answer (HAProxy's 503 page) is HTML: no envelope, the status says it.
    if (!(err instanceof SyntaxError)) throw err;
  }
  const e = body.error?.json;
  return {
    status: r.status,
    ms: r.ms,
    region: r.region,
    ...(body.result?.data ? { data: body.result.data.json as T } : {}),
    ...(e ? { error: { message: e.message, code: e.data?.code, domainCode: e.data?.domainCode } } : {}),
  };
}
