/**
 * The files `serviceTlsSchema` names, read for a server or a client of mutual TLS. Read on each
 * call (a few hundred bytes): a rotated pair is used by the next connection without a restart.
 */
import { readFileSync, unwatchFile, watchFile } from "node:fs";
import { request as httpsRequest } from "node:https";
import { loadConfig, type EnvSource } from "./load-config.ts";
import { serviceTlsSchema } from "./schemas/service-tls.ts";

export interface ServiceTlsFiles {
  ca: string;
  cert: string;
  key: string;
}

export interface ServiceTlsMaterial {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** This process's CA and pair file names, or null when mutual TLS is not configured. */
export function serviceTlsFiles(source: EnvSource = process.env): ServiceTlsFiles | null {
  const env = loadConfig(serviceTlsSchema, source);
  if (!env.AGORA_TLS_CA_FILE || !env.AGORA_TLS_CERT_FILE || !env.AGORA_TLS_KEY_FILE) return null;
  return { ca: env.AGORA_TLS_CA_FILE, cert: env.AGORA_TLS_CERT_FILE, key: env.AGORA_TLS_KEY_FILE };
}

export function readServiceTls(files: ServiceTlsFiles): ServiceTlsMaterial {
  return { ca: readFileSync(files.ca), cert: readFileSync(files.cert), key: readFileSync(files.key) };
}

/** A server of mutual TLS: TLS 1.3, our pair, and no handshake without a client certificate of our CA. */
export function mutualTlsServerOptions(files: ServiceTlsFiles) {
  return {
    ...readServiceTls(files),
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: "TLSv1.3" as const,
  };
}

/**
 * Calls `onRotated` with the new material when the pair on disk changes (rotation), polling the
 * certificate's mtime every `intervalMs` without keeping the process alive. Returns a stop function.
 */
export function watchServiceTls(
  files: ServiceTlsFiles,
  onRotated: (material: ServiceTlsMaterial) => void,
  intervalMs = 30_000,
): () => void {
  const listener = (now: { mtimeMs: number }, before: { mtimeMs: number }) => {
    if (now.mtimeMs !== before.mtimeMs && now.mtimeMs !== 0) onRotated(readServiceTls(files));
  };
  watchFile(files.cert, { interval: intervalMs, persistent: false }, listener);
  return () => unwatchFile(files.cert, listener);
}

/** What `serviceFetch` takes of fetch's init (what Agora's internal calls send). */
export interface ServiceFetchInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/**
 * `fetch` for an internal plane that may require mutual TLS: an `https:` URL goes out with this
 * process's service certificate (or `files`) over TLS 1.3, verified against the CA; anything
 * else is a plain `fetch`. Node 20's fetch cannot present a client certificate without the
 * undici package, hence this small https client; it answers a standard `Response`.
 */
export function serviceFetch(
  input: string | URL,
  init: ServiceFetchInit = {},
  files: ServiceTlsFiles | null = serviceTlsFiles(),
): Promise<Response> {
  const url = new URL(input);
  if (url.protocol !== "https:" || !files) return fetch(input, init);
  const { ca, cert, key } = readServiceTls(files);
  return new Promise<Response>((resolve, reject) => {
    const req = httpsRequest(
      url,
      { method: init.method ?? "GET", headers: init.headers, ca, cert, key, minVersion: "TLSv1.3", signal: init.signal },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            for (const one of [v ?? []].flat()) headers.append(k, one);
          const status = res.statusCode ?? 502;
          const empty = status === 204 || status === 304 || (init.method ?? "GET") === "HEAD";
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers }));
        });
      },
    );
    // Errors shaped as fetch's: the caller's abort reason, else "fetch failed" with the cause
    // (ECONNREFUSED and the like), so callers classify both kinds of call alike.
    req.on("error", (err) =>
      reject(init.signal?.aborted ? init.signal.reason : new TypeError("fetch failed", { cause: err })),
    );
    req.end(init.body);
  });
}
