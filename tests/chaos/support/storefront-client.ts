/**
 * A browser's worth of HTTP against one storefront instance for the chaos tests: cookies kept,
 * tRPC's superjson envelopes unwrapped, status and timing kept, and the credentials sign-in.
 */
import { setTimeout as sleep } from "node:timers/promises";

export interface Answer<T> {
  status: number;
  ms: number;
  data?: T;
  error?: { message?: string; code?: string; domainCode?: string };
}

export class StorefrontClient {
  private readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  async send(method: "GET" | "POST", path: string, body?: { json?: unknown; form?: Record<string, string> }) {
    const headers: Record<string, string> = { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") };
    let payload: string | undefined;
    if (body?.json !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(body.json);
    } else if (body?.form) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      payload = new URLSearchParams(body.form).toString();
    }
    const t0 = Date.now();
    const res = await fetch(`${this.base}${path}`, { method, headers, body: payload, redirect: "manual", signal: AbortSignal.timeout(30_000) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return { status: res.status, text: await res.text(), ms: Date.now() - t0 };
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

function envelope<T>(r: { status: number; text: string; ms: number }): Answer<T> {
  const body = JSON.parse(r.text) as {
    result?: { data?: { json?: T } };
    error?: { json?: { message?: string; data?: { code?: string; domainCode?: string } } };
  };
  const e = body.error?.json;
  return {
    status: r.status,
    ms: r.ms,
    ...(body.result?.data ? { data: body.result.data.json as T } : {}),
    ...(e ? { error: { message: e.message, code: e.data?.code, domainCode: e.data?.domainCode } } : {}),
  };
}
