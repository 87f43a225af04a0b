/**
 * A minimal client of etcd's v2 keys API: the API Patroni's `etcd:` backend keeps its leader lock
 * in. Hand-written because Patroni 3.0's DCS keys are v2 keys, the `etcd3` npm package speaks only
 * the v3 API, and etcd's v3 keyspace does not see v2 keys (the two stores are separate).
 *
 * Each call tries the endpoints in turn, starting with the last one that answered, and moves on
 * after a connection error, a timeout or a 5xx: a member cut off from the Raft leader cannot
 * answer a quorum read or a write. Every attempt is bounded by `timeoutMs`, so a call takes at
 * most `endpoints × timeoutMs`.
 *
 * A write whose attempt timed out may still have been committed; the next endpoint then sees its
 * effect (a `createIfAbsent` answers false because its own value is there). Callers that care
 * re-read: see `fenceAndDecide` in ./arbiter.ts.
 */
import { pem } from "../processes/wait.ts";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

/** File paths of the CA etcd's certificate chains to and the client pair it asks for. */
export interface EtcdV2Tls {
  ca: string;
  cert: string;
  key: string;
}

export interface EtcdV2Options {
  /** `https://127.0.0.1:port` (mutual TLS, `tls` required) or `http://…` (tests). */
  endpoints: string[];
  tls?: EtcdV2Tls;
  /** Bound of one attempt against one endpoint (connect, TLS, response). */
  timeoutMs?: number;
}

export interface EtcdV2Node {
  value: string;
  modifiedIndex: number;
  /** Seconds left before the key expires; null for a key without a TTL. */
  ttl: number | null;
}

/** No endpoint answered: every one refused, timed out or failed with a 5xx. */
export class EtcdUnavailableError extends Error {
  readonly code = "ETCD_UNAVAILABLE";
  constructor(readonly failures: { endpoint: string; reason: string }[]) {
    super(
      `no etcd endpoint answered: ${failures.map((f) => `${f.endpoint} (${f.reason})`).join("; ")}`,
    );
  }
}

/** etcd answered with an error this client does not turn into a result (a bad key, a refusal). */
export class EtcdRequestError extends Error {
  readonly code = "ETCD_REQUEST_FAILED";
  constructor(
    readonly status: number,
    readonly errorCode: number | undefined,
    message: string,
  ) {
    super(
      `etcd answered ${status}${errorCode === undefined ? "" : ` (errorCode ${errorCode})`}: ${message}`,
    );
  }
}

/** etcd v2 error codes this client turns into results. */
const KEY_NOT_FOUND = 100;
const COMPARE_FAILED = 101;
const NODE_EXISTS = 105;

interface V2Response {
  status: number;
  body: {
    node?: { value?: string; modifiedIndex?: number; ttl?: number };
    errorCode?: number;
    message?: string;
  };
}

/** One attempt failed in a way the next endpoint may not share. */
class AttemptFailed extends Error {}

export class EtcdV2Client {
  private readonly endpoints: string[];
  private readonly tls?: EtcdV2Tls;
  private readonly timeoutMs: number;
  /** Index of the endpoint that answered last: the next call starts there. */
  private preferred = 0;

  constructor(opts: EtcdV2Options) {
    if (opts.endpoints.length === 0) throw new RangeError("etcd v2 client: no endpoints");
    if (opts.endpoints.some((e) => e.startsWith("https:")) && !opts.tls)
      throw new RangeError(
        "etcd v2 client: https endpoints need tls files (etcd asks for a client certificate)",
      );
    this.endpoints = opts.endpoints.map((e) => e.replace(/\/+$/, ""));
    this.tls = opts.tls;
    this.timeoutMs = opts.timeoutMs ?? 1_000;
  }

  /**
   * The key's value, or null when it does not exist. `quorum: true` reads through Raft (what the
   * majority agreed on), not the answering member's possibly stale copy.
   */
  async get(key: string, opts: { quorum?: boolean } = {}): Promise<EtcdV2Node | null> {
    const res = await this.call("GET", key, opts.quorum ? { quorum: "true" } : {});
    if (res.status === 404 && res.body.errorCode === KEY_NOT_FOUND) return null;
    if (res.status !== 200) throw refusal(res);
    return toNode(res);
  }

  /** Creates the key without a TTL unless it exists: true when this call created it. */
  async createIfAbsent(key: string, value: string): Promise<boolean> {
    const res = await this.call("PUT", key, { prevExist: "false" }, { value });
    if (res.status === 412 && res.body.errorCode === NODE_EXISTS) return false;
    if (res.status !== 201) throw refusal(res);
    return true;
  }

  /** Sets the key unconditionally, with a TTL when given (what a lock holder's renewal looks like). */
  async set(key: string, value: string, opts: { ttlSeconds?: number } = {}): Promise<EtcdV2Node> {
    const form: Record<string, string> = { value };
    if (opts.ttlSeconds !== undefined) form.ttl = String(opts.ttlSeconds);
    const res = await this.call("PUT", key, {}, form);
    if (res.status !== 200 && res.status !== 201) throw refusal(res);
    return toNode(res);
  }

  /** Deletes the key only if it holds `prevValue`: true when this call deleted it. */
  async compareAndDelete(key: string, prevValue: string): Promise<boolean> {
    const res = await this.call("DELETE", key, { prevValue });
    if (res.status === 412 && res.body.errorCode === COMPARE_FAILED) return false;
    if (res.status === 404 && res.body.errorCode === KEY_NOT_FOUND) return false;
    if (res.status !== 200) throw refusal(res);
    return true;
  }

  private async call(
    method: "GET" | "PUT" | "DELETE",
    key: string,
    query: Record<string, string>,
    form?: Record<string, string>,
  ): Promise<V2Response> {
    const path = `/v2/keys${keyPath(key)}${Object.keys(query).length ? `?${new URLSearchParams(query)}` : ""}`;
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const failures: { endpoint: string; reason: string }[] = [];
    for (let i = 0; i < this.endpoints.length; i++) {
      const at = (this.preferred + i) % this.endpoints.length;
      const endpoint = this.endpoints[at]!;
      try {
        const res = await this.attempt(method, `${endpoint}${path}`, body);
        this.preferred = at;
        return res;
      } catch (err) {
        if (!(err instanceof AttemptFailed)) throw err;
        failures.push({ endpoint, reason: err.message });
      }
    }
    throw new EtcdUnavailableError(failures);
  }

  private attempt(method: string, url: string, body: string | undefined): Promise<V2Response> {
    const https = url.startsWith("https:");
    // Re-read when a file changes: a rotated client pair (replaced by rename) is presented from the next call on.
    const tls = https && this.tls ? { ca: pem(this.tls.ca), cert: pem(this.tls.cert), key: pem(this.tls.key) } : {};
    const headers: Record<string, string> =
      body === undefined ? {} : { "content-type": "application/x-www-form-urlencoded" };
    return new Promise<V2Response>((resolve, reject) => {
      const onResponse = (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (e) => fail(e.message));
        res.on("end", () => {
          clearTimeout(timer);
          const status = res.statusCode ?? 0;
          // A member without a Raft leader (or with a request timing out in Raft) answers 5xx.
          if (status >= 500)
            return fail(`${status} ${Buffer.concat(chunks).toString("utf8").trim().slice(0, 200)}`);
          try {
            resolve({
              status,
              body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as V2Response["body"],
            });
          } catch (e) {
            fail(
              `${status} with a body that is not JSON (${e instanceof Error ? e.message : String(e)})`,
            );
          }
        });
      };
      // One connection per call: a member that stopped answering holds no pooled socket.
      const opts = { method, headers, agent: false as const, ...tls };
      const req = https ? httpsRequest(url, opts, onResponse) : httpRequest(url, opts, onResponse);
      const timer = setTimeout(
        () => req.destroy(new Error(`timed out after ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      function fail(reason: string) {
        clearTimeout(timer);
        req.destroy();
        reject(new AttemptFailed(reason));
      }
      req.on("error", (e) => fail(e.message));
      req.end(body);
    });
  }
}

/** Each segment of a key URL-encoded, the slashes kept: `/agora-test/core/leader`. */
function keyPath(key: string): string {
  if (!key.startsWith("/")) throw new RangeError(`etcd v2 key must start with "/": ${key}`);
  return key.split("/").map(encodeURIComponent).join("/");
}

function toNode(res: V2Response): EtcdV2Node {
  const n = res.body.node;
  if (!n || typeof n.value !== "string" || typeof n.modifiedIndex !== "number")
    throw new EtcdRequestError(res.status, undefined, "answer without a node value");
  return {
    value: n.value,
    modifiedIndex: n.modifiedIndex,
    ttl: typeof n.ttl === "number" ? n.ttl : null,
  };
}

const refusal = (res: V2Response) =>
  new EtcdRequestError(res.status, res.body.errorCode, res.body.message ?? "unexpected answer");

/**
 * The key of a Patroni cluster's leader lock in its `etcd:` (v2) DCS: Patroni joins `namespace`
 * and `scope` with slashes and collapses repeated ones; the value is the leader member's name.
 */
export function patroniLeaderKey(namespace: string, scope: string): string {
  return `/${namespace}/${scope}/leader`.replace(/\/+/g, "/");
}
