/**
 * The media origin behind the CDN edge: serves `<stateDir>/media/**` with correct content types,
 * strong-enough ETags (size + mtime, as nginx computes them) and long-lived Cache-Control, so the
 * edge keeps objects for a year and browsers revalidate cheaply with If-None-Match.
 *
 *   GET|HEAD /media/<path>       the file (304 on a matching If-None-Match; one `Range` → 206,
 *                                past the end → 416)
 *   DELETE   /cache/media/<path> purge the edge's cached copy of /media/<path>[?query]   (token)
 *   GET      /stats              requests seen by the origin (the edge's misses)          (token)
 *   GET      /healthz
 *
 * Purge and stats take `Authorization: Bearer <token>` (AGORA_MEDIA_ORIGIN_TOKEN): only the
 * vendor portal purges, and nobody else learns which objects are requested.
 */
import { createReadStream, type Stats } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { join, normalize, sep } from "node:path";
import { bearerMatches } from "@agora/auth/service-token";
import { z } from "zod";
import { purgeCacheKey } from "./cache-purge.ts";
import { byteRange } from "./byte-range.ts";
import { contentTypeOf } from "./content-type.ts";

/**
 * Media files never change under a URL (a new upload gets a new name or `?v=`), so caches may keep
 * them for a year without revalidating.
 */
export const IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable";
/** A missing object may appear soon (upload in progress): cache the 404 briefly only. */
const NOT_FOUND_CACHE_CONTROL = "public, max-age=30";

export interface MediaOriginStats {
  requests: number;
  served: number;
  /** Of `served`: 206 answers to a Range request (the edge's slices of a video). */
  partial: number;
  rangeNotSatisfiable: number;
  notModified: number;
  notFound: number;
  purged: number;
  /** Requests per path, so tests can prove the edge asked only once. */
  byPath: Record<string, number>;
}

export interface MediaOrigin {
  server: Server;
  stats: MediaOriginStats;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** Longest name one path segment may have: what Linux file systems store (ENAMETOOLONG beyond). */
const MAX_NAME_BYTES = 255;
/** Longest media path: rendition names are under 200 characters, PATH_MAX is 4096. */
const MAX_PATH_CHARS = 1024;

/**
 * A media path (after `/media/`, decoded) the origin may look up: bounded in length as a whole and
 * per name, so a client's 5,000-character name is a 400 instead of the file system's
 * ENAMETOOLONG surfacing as a 500.
 */
export const mediaPathSchema = z
  .string()
  .max(MAX_PATH_CHARS)
  .refine((p) => p.split("/").every((name) => Buffer.byteLength(name) <= MAX_NAME_BYTES), {
    message: `a name in the path is longer than ${MAX_NAME_BYTES} bytes`,
  });

export function etagOf(st: Stats): string {
  return `"${Math.floor(st.mtimeMs / 1000).toString(16)}-${st.size.toString(16)}"`;
}

export interface MediaOriginOptions {
  stateDir: string;
  /** Bearer token of purge and stats. */
  token: string;
  /** The edges' proxy_cache folders (one per edge instance), for DELETE /cache/… (purge). */
  cacheDir?: string | readonly string[];
  /** Cache-Control per served path (default: immutable for a year). */
  cacheControl?: (pathname: string) => string;
}

export function createMediaOrigin(opts: MediaOriginOptions): MediaOrigin {
  const cacheControlFor = opts.cacheControl ?? (() => IMMUTABLE_CACHE_CONTROL);
  const root = join(opts.stateDir, "media");
  const stats: MediaOriginStats = {
    requests: 0,
    served: 0,
    partial: 0,
    rangeNotSatisfiable: 0,
    notModified: 0,
    notFound: 0,
    purged: 0,
    byPath: {},
  };

  const send = (
    res: ServerResponse,
    status: number,
    body: string,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
    res.end(body);
  };

  /**
   * `/media/a/b.svg` → absolute file inside root; undefined for anything that escapes it or cannot
   * be a file name, "too long" for a path over the length bounds.
   */
  const fileFor = (pathname: string): string | undefined | "too long" => {
    let rel: string;
    try {
      rel = decodeURIComponent(pathname.slice("/media/".length));
    } catch (err) {
      if (err instanceof URIError) return undefined;
      throw err;
    }
    if (!mediaPathSchema.safeParse(rel).success) return "too long";
    if (rel.includes("\0")) return undefined;
    const file = normalize(join(root, rel));
    return file.startsWith(root + sep) ? file : undefined;
  };

  async function serveMedia(
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
  ): Promise<void> {
    stats.requests++;
    stats.byPath[pathname] = (stats.byPath[pathname] ?? 0) + 1;
    const found = fileFor(pathname);
    if (found === "too long") {
      send(res, 400, "media path too long\n");
      return;
    }
    const file = found;
    const type = file ? contentTypeOf(file) : undefined;
    let st: Stats | undefined;
    if (file && type) {
      try {
        st = await stat(file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== "ENOENT" && code !== "ENOTDIR") throw err;
      }
    }
    if (!file || !type || !st?.isFile()) {
      stats.notFound++;
      send(res, 404, "not found\n", { "cache-control": NOT_FOUND_CACHE_CONTROL });
      return;
    }
    const etag = etagOf(st);
    const headers = {
      "content-type": type,
      "content-length": String(st.size),
      etag,
      "last-modified": st.mtime.toUTCString(),
      "cache-control": cacheControlFor(pathname),
      "x-content-type-options": "nosniff",
      "accept-ranges": "bytes",
    };
    if (req.headers["if-none-match"]?.split(/\s*,\s*/).includes(etag)) {
      stats.notModified++;
      const { "content-length": _omit, ...rest } = headers;
      res.writeHead(304, rest);
      res.end();
      return;
    }
    // If-Range with another validator: the client's copy is stale, so it gets the whole file.
    const ifRange = req.headers["if-range"];
    const range =
      ifRange && ifRange !== etag
        ? { kind: "whole" as const }
        : byteRange(req.headers.range, st.size);
    if (range.kind === "unsatisfiable") {
      stats.rangeNotSatisfiable++;
      send(res, 416, "range not satisfiable\n", {
        "content-range": `bytes */${st.size}`,
        "accept-ranges": "bytes",
      });
      return;
    }
    stats.served++;
    if (range.kind === "partial") {
      stats.partial++;
      res.writeHead(206, {
        ...headers,
        "content-length": String(range.end - range.start + 1),
        "content-range": `bytes ${range.start}-${range.end}/${st.size}`,
      });
    } else res.writeHead(200, headers);
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    const bounds = range.kind === "partial" ? { start: range.start, end: range.end } : {};
    createReadStream(file, bounds)
      .on("error", (err) => res.destroy(err))
      .pipe(res);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://origin.local");
    const handle = async () => {
      if (url.pathname === "/healthz") return send(res, 200, "ok\n");
      const admin = url.pathname === "/stats" || url.pathname.startsWith("/cache/");
      if (admin && !bearerMatches(req.headers.authorization, opts.token))
        return send(res, 401, "a bearer token is required\n", { "www-authenticate": "Bearer" });
      if (url.pathname === "/stats" && req.method === "GET") {
        res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
        res.end(JSON.stringify(stats));
        return;
      }
      if (url.pathname.startsWith("/media/")) {
        if (req.method !== "GET" && req.method !== "HEAD")
          return send(res, 405, "method not allowed\n", { allow: "GET, HEAD" });
        return serveMedia(req, res, url.pathname);
      }
      if (url.pathname.startsWith("/cache/media/") && req.method === "DELETE") {
        if (!opts.cacheDir) return send(res, 501, "no edge cache configured\n");
        const key = `${url.pathname.slice("/cache".length)}${url.search}`;
        // Every edge instance keeps its own copy: purge them all (each call must run, no short-circuit).
        const purged = [opts.cacheDir].flat().map((dir) => purgeCacheKey(dir, key)).includes(true);
        if (purged) stats.purged++;
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ key, purged }));
        return;
      }
      send(res, 404, "not found\n");
    };
    handle().catch((err: unknown) => {
      process.stderr.write(
        `${JSON.stringify({ level: "error", service: "media-origin", path: url.pathname, msg: String(err) })}\n`,
      );
      if (!res.headersSent) send(res, 500, "internal error\n");
      else res.destroy(err instanceof Error ? err : new Error(String(err)));
    });
  });

  return {
    server,
    stats,
    listen: (port, host = "127.0.0.1") =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          const addr = server.address();
          resolve(typeof addr === "object" && addr ? addr.port : port);
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
