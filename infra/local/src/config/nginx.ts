/**
 * nginx as the media CDN edge: `proxy_cache` in front of the media origin, `X-Cache` from
 * `$upstream_cache_status` on every response, stale objects served while the origin is down, and
 * an access log with the cache status that the status probe turns into a hit ratio. Everything
 * nginx writes (pid, temp files, cache, logs) lives in the state folder, so it runs as root
 * without touching /var/log, /var/lib/nginx or /run.
 */
import { join } from "node:path";
import { userInfo } from "node:os";
import { EDGE_PAGES, type EdgePage } from "@agora/config/edge-cache";
import type { Topology } from "../topology.ts";

export interface CdnPaths {
  dir: string;
  configFile: string;
  pidFile: string;
  cacheDir: string;
  /** The edge cache of public API reads (kept apart from the media objects the origin purges). */
  apiCacheDir: string;
  /** The edge cache of storefront pages for visitors without a session. */
  pagesCacheDir: string;
  tempDir: string;
  errorLog: string;
  accessLog: string;
}

/**
 * The folders and files of one CDN edge instance (`cdn-1`, `cdn-2`, …; default the first). Each
 * has its own caches: a surviving edge serves from what it cached itself, cold at first.
 */
export function cdnPaths(t: Pick<Topology, "stateDir" | "logDir">, instance = "cdn-1"): CdnPaths {
  const dir = join(t.stateDir, instance);
  return {
    dir,
    configFile: join(dir, "nginx.conf"),
    pidFile: join(dir, "nginx.pid"),
    cacheDir: join(dir, "cache"),
    apiCacheDir: join(dir, "api-cache"),
    pagesCacheDir: join(dir, "pages-cache"),
    tempDir: join(dir, "temp"),
    errorLog: join(t.logDir, `${instance}.log`),
    accessLog: join(t.logDir, `${instance}-access.log`),
  };
}

/** The media caches of every edge instance: the origin purges an object from all of them. */
export function cdnCacheDirs(t: Pick<Topology, "stateDir" | "logDir" | "cdnInstances">): string[] {
  return t.cdnInstances.map((i) => cdnPaths(t, i.name).cacheDir);
}

/** Fields of one access-log line, in order (parsed by probes/cdn.ts). */
export const CDN_LOG_FIELDS = ["msec", "status", "cache", "bytes", "uri"] as const;

/** Slice size of cached videos; the media origin's purge walks the same slices. */
export const CDN_VIDEO_SLICE_BYTES = 1024 * 1024;
const CDN_VIDEO_SLICE = "1m";

/** Idle connections the edge cache keeps open to the storefront pool. */
const EDGE_ORIGIN_KEEPALIVE = 32;

/**
 * How the edge reaches the storefronts, for the API reads and the pages alike. The gateway already
 * replaced X-Forwarded-For with the client's address; it is passed on as is (the API trusts the
 * last hop, which stays the client's).
 */
const TO_STOREFRONTS = `      proxy_pass http://storefronts;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For $http_x_forwarded_for;
      proxy_connect_timeout 2s;
      proxy_read_timeout 30s;`;

/**
 * Stampede protection at the edge, as in the Redis cache-aside behind it: concurrent misses of one
 * key wait for a single origin request, and an expired entry is served (X-Cache: UPDATING) while
 * one request refreshes it in the background; no crowd of shoppers ever reaches a storefront at
 * the moment an entry expires. The last good answer stands in while the storefronts fail.
 */
const STAMPEDE_GUARD = `      proxy_cache_lock on;
      proxy_cache_lock_timeout 5s;
      proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;
      proxy_cache_background_update on;

      add_header X-Cache $upstream_cache_status always;`;

/**
 * The storefront pages kept for visitors without a session (`@agora/config/edge-cache`
 * EDGE_PAGES), one location each. The storefront marks every page `private, no-store` (Next does
 * for any page that reads the request) and sets the guest cart cookie; here those are overridden
 * for the listed pages only, and only what a storefront answered 200 is kept, `seconds` long. One
 * copy per URI and encoding (gzip or none): Next's own compression runs once per copy, not per
 * visitor. A request with a session cookie is never answered from, nor stored in, the cache (the
 * gateway does not send one here: this is the second guard), and the Set-Cookie of a miss is
 * dropped (the gateway gives a first-time visitor the guest cart cookie itself).
 */
function pageLocations(pages: readonly EdgePage[]): string {
  return pages
    .map(
      (page) => `
    # ${page.name} page, ${page.seconds} s
    location ~ "${page.pathRegex}" {
${TO_STOREFRONTS}
      proxy_set_header Accept-Encoding $page_encoding;
      proxy_ignore_headers Cache-Control Expires Set-Cookie Vary;
      proxy_hide_header Set-Cookie;

      proxy_cache pages;
      proxy_cache_key "$request_uri|$page_encoding|$http_rsc";
      proxy_cache_methods GET;
      proxy_cache_valid 200 ${page.seconds}s;
      proxy_cache_bypass $page_session $api_cache_bypass;
      proxy_no_cache $page_session;
${STAMPEDE_GUARD}
    }`,
    )
    .join("\n");
}

/**
 * One edge instance's configuration. Every instance listens on the same address with `reuseport`
 * (SO_REUSEPORT): the kernel spreads connections over the live instances, and a dead instance's
 * sockets simply disappear — the one-box counterpart of two edges behind anycast.
 */
export function cdnConfig(
  t: Pick<Topology, "stateDir" | "logDir" | "host" | "apps" | "cdnInstances">,
  instance = "cdn-1",
  pages: readonly EdgePage[] = EDGE_PAGES,
): string {
  const p = cdnPaths(t, instance);
  const statusPort = t.cdnInstances.find((i) => i.name === instance)?.statusPort;
  // Run workers as the launching user: as root, nginx would otherwise drop to `nobody`, which
  // may not be able to enter a private state folder (the master creates the folders below).
  const user = process.getuid?.() === 0 ? `user ${userInfo().username};` : "";
  return `# generated by infra/local/src/config/nginx.ts — do not edit
${user}
worker_processes 1;
daemon off;
pid ${p.pidFile};
error_log ${p.errorLog} warn;

events {
  worker_connections 2048;
}

http {
  access_log off;
  client_body_temp_path ${join(p.tempDir, "body")};
  proxy_temp_path ${join(p.tempDir, "proxy")};
  fastcgi_temp_path ${join(p.tempDir, "fastcgi")};
  uwsgi_temp_path ${join(p.tempDir, "uwsgi")};
  scgi_temp_path ${join(p.tempDir, "scgi")};
  server_tokens off;
  sendfile on;

  # Cache key = the request URI (query included, so ?v=2 is a new object); the media origin
  # computes the same md5 to purge one object (see apps/workers/src/media-origin/cache-purge.ts).
  proxy_cache_path ${p.cacheDir} levels=1:2 keys_zone=media:10m max_size=1g inactive=30d use_temp_path=off;

  log_format cdn '$msec $status $upstream_cache_status $body_bytes_sent $request_uri';

  # The edge cache of public API reads (packages/api/src/cache/edge-cache.ts): the HAProxy
  # gateway sends plain GETs of the cacheable procedures here; what the API marks "public, s-maxage=N" is kept
  # N seconds, and stays on disk for 10 minutes after its last use, so the last good
  # answer can stand in while no storefront answers.
  proxy_cache_path ${p.apiCacheDir} levels=1:2 keys_zone=api:10m max_size=256m inactive=10m use_temp_path=off;

  # A client asking for a fresh answer (Cache-Control: no-cache) gets one from a storefront, and
  # the entry is refreshed with it.
  map $http_cache_control $api_cache_bypass {
    default 0;
    ~*no-cache 1;
  }

  # Storefront pages for visitors without a session (pageLocations below); a few seconds each,
  # kept on disk for 10 minutes after their last use to stand in while no storefront answers.
  proxy_cache_path ${p.pagesCacheDir} levels=1:2 keys_zone=pages:10m max_size=256m inactive=10m use_temp_path=off;
  map $http_accept_encoding $page_encoding {
    default "";
    ~*gzip gzip;
  }
  map $http_cookie $page_session {
    default 0;
    ~session-token 1;
  }

  # Misses and refreshes reach the storefronts through HAProxy's pool (its queue and health
  # checks), never around them; a failed pool is not taken out (max_fails=0): it is the only way.
  upstream storefronts {
    server ${t.host}:${t.apps.storefrontPool} max_fails=0;
    keepalive ${EDGE_ORIGIN_KEEPALIVE};
  }

  server {
    listen ${t.host}:${t.apps.cdn} reuseport;${
      // Its own address too: the same edge, reaching only this instance (probes, tests and
      // operators who must know which cache answered; the shared port reaches either).
      statusPort === undefined ? "" : `\n    listen ${t.host}:${statusPort};`
    }

    location = /healthz {
      access_log off;
      return 200 "ok\\n";
    }

    location = /nginx_status {
      access_log off;
      stub_status;
      allow 127.0.0.1;
      deny all;
    }

    location /media/ {
      access_log ${p.accessLog} cdn;
      proxy_pass http://${t.host}:${t.apps.mediaOrigin};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_connect_timeout 2s;
      proxy_read_timeout 10s;

      proxy_cache media;
      proxy_cache_key $request_uri;
      # The origin's Cache-Control decides lifetimes; these apply only when it sends none.
      proxy_cache_valid 200 1h;
      proxy_cache_valid 404 30s;
      proxy_cache_revalidate on;
      # One request per object goes to the origin; concurrent misses wait for it.
      proxy_cache_lock on;
      proxy_cache_lock_timeout 5s;
      # Origin down or failing: keep serving what we have (X-Cache: STALE) and refresh later.
      proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;
      proxy_cache_background_update on;

      add_header X-Cache $upstream_cache_status always;

      # Videos: fetched from the origin and cached in ${CDN_VIDEO_SLICE} slices (one cache entry
      # per slice, key = URI + slice range), so a player's first range costs the origin one slice
      # on a MISS instead of the whole file, and seeking fetches only the slices it reaches.
      # nginx answers the client's own Range from the slices. The origin's purge removes every
      # slice key (apps/workers/src/media-origin/cache-purge.ts, VIDEO_SLICE_BYTES).
      location ~ \\.(mp4|webm)$ {
        slice ${CDN_VIDEO_SLICE};
        proxy_pass http://${t.host}:${t.apps.mediaOrigin};
        proxy_set_header Range $slice_range;
        proxy_set_header Connection "";
        proxy_cache_key $request_uri$slice_range;
        proxy_cache_valid 200 206 1h;
        proxy_cache_valid 404 30s;
      }
    }

    location /api/trpc/ {
${TO_STOREFRONTS}
      # One stored copy serves every client: uncompressed, and not split by the Vary that Next
      # adds to every answer (it names only headers that cannot change a public read).
      proxy_set_header Accept-Encoding "";
      proxy_ignore_headers Vary;

      proxy_cache api;
      proxy_cache_key $request_uri;
      # Only what the origin marks cacheable is kept: no default lifetime here.
      proxy_cache_methods GET;
      proxy_cache_bypass $api_cache_bypass;
${STAMPEDE_GUARD}
    }

${pageLocations(pages)}

    location / {
      return 404;
    }
  }
}
`;
}
