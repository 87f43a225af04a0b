/**
 * One closed-loop HTTP load (autocannon), bounded in time and in count, with the latency of every
 * response (not only 2xx) recorded for our own percentiles, and a fresh client identity per
 * simulated client: a connection plays one client for `requestsPerClient` requests, then another.
 */
import net from "node:net";
import tls from "node:tls";
import autocannon from "autocannon";
import { ResponseTally, rate, summarise } from "../report/stats.ts";
import type { Progress } from "../progress.ts";

export interface HttpLoadSpec {
  url: string;
  method?: "GET" | "POST";
  /** Paths cycled in order by each connection (one path: every request the same). */
  paths: readonly string[];
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  durationS: number;
  /** Hard cap on responses, whatever the duration. */
  maxRequests: number;
  /** Headers of the next simulated client (identity, session cookie), asked per client. */
  nextClientHeaders: () => Record<string, string>;
  /**
   * Source address of the next simulated client, when clients are told apart by the address the
   * edge sees: each connection then plays one client for `requestsPerClient` requests and
   * reconnects from the next address.
   */
  nextLocalAddress?: () => string;
  requestsPerClient: number;
  timeoutS?: number;
  /** At most this many requests per second over all connections (a steady load); none: as fast as answered. */
  overallRate?: number;
}

export interface HttpLoadResult {
  requests: number;
  elapsedMs: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  byStatus: Record<string, number>;
}

type AutocannonClient = autocannon.Client;

export async function runHttpLoad(
  spec: HttpLoadSpec,
  progress?: Progress,
): Promise<HttpLoadResult> {
  const tally = new ResponseTally();
  const served = new WeakMap<AutocannonClient, number>();
  const baseHeaders = {
    ...spec.headers,
    ...(spec.body ? { "content-type": "application/json" } : {}),
  };
  const requestsFor = (headers: Record<string, string>): autocannon.Request[] =>
    spec.paths.map((path) => ({
      method: spec.method ?? "GET",
      path,
      headers: { ...baseHeaders, ...headers },
      ...(spec.body ? { body: spec.body } : {}),
    }));

  const unbind = spec.nextLocalAddress ? bindConnections(spec.nextLocalAddress) : () => {};
  const started = Date.now();
  let finish: (r: autocannon.Result) => void = () => {};
  let fail: (e: unknown) => void = () => {};
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: spec.url,
      connections: spec.connections,
      duration: spec.durationS,
      maxOverallRequests: spec.maxRequests,
      timeout: spec.timeoutS ?? 10,
      ...(spec.overallRate ? { overallRate: spec.overallRate } : {}),
      requests: requestsFor(spec.nextClientHeaders()),
      ...(spec.nextLocalAddress ? { reconnectRate: spec.requestsPerClient } : {}),
      setupClient: (client) => {
        client.setRequests(requestsFor(spec.nextClientHeaders()));
        served.set(client, 0);
      },
    },
    (err, result) => (err ? fail(err) : finish(result)),
  );
  instance.on("response", (client, status, _bytes, responseTime) => {
    tally.record(status, responseTime);
    const n = (served.get(client) ?? 0) + 1;
    served.set(client, n);
    if (n % spec.requestsPerClient === 0) client.setRequests(requestsFor(spec.nextClientHeaders()));
    if (tally.responses >= spec.maxRequests) instance.stop();
  });
  const ticker = setInterval(() => progress?.tick(`${tally.responses} responses`), 1000);
  try {
    const result = await finished;
    const elapsedMs = Date.now() - started;
    const s = summarise(tally.latenciesMs);
    return {
      requests: tally.responses,
      elapsedMs,
      rps: rate(tally.responses, elapsedMs),
      p50Ms: s.p50,
      p95Ms: s.p95,
      p99Ms: s.p99,
      non2xx: tally.non2xx,
      errors: result.errors, // connection errors, timeouts included
      byStatus: tally.byStatus,
    };
  } finally {
    clearInterval(ticker);
    unbind();
  }
}

/**
 * autocannon has no option for a connection's source address: its clients call
 * `net.connect(port, host)`. For the length of one load, such calls connect from the next
 * simulated client's address (127.0.0.0/8 is all local on Linux); every other call is unchanged.
 */
function bindConnections(nextLocalAddress: () => string): () => void {
  const original = net.connect;
  // autocannon passes the URL's port, a string.
  const isPort = (p: unknown) =>
    typeof p === "number" || (typeof p === "string" && /^\d+$/.test(p));
  const bound = (...args: unknown[]) =>
    isPort(args[0]) && (typeof args[1] === "string" || args[1] === undefined)
      ? original({
          port: Number(args[0]),
          host: args[1] as string | undefined,
          localAddress: nextLocalAddress(),
        })
      : (original as (...a: unknown[]) => net.Socket)(...args);
  net.connect = bound as typeof net.connect;
  // An https URL: autocannon calls `tls.connect(port, host, options)`.
  const originalTls = tls.connect;
  // `localAddress` reaches the socket's connect (tls.connect passes its options on to it).
  const connectTls = originalTls as (...a: unknown[]) => tls.TLSSocket;
  const boundTls = (...args: unknown[]) =>
    isPort(args[0]) && typeof args[1] === "string"
      ? connectTls({
          ...(args[2] as tls.ConnectionOptions),
          port: Number(args[0]),
          host: args[1],
          localAddress: nextLocalAddress(),
        })
      : connectTls(...args);
  tls.connect = boundTls as typeof tls.connect;
  return () => {
    net.connect = original;
    tls.connect = originalTls;
  };
}
