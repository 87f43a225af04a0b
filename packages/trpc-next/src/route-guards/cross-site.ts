/**
 * CSRF defence beyond the session cookie's SameSite=Lax: a state-changing request (any method but
 * GET/HEAD/OPTIONS: tRPC mutations, uploads, imports, next-auth's POSTs) that a browser sent from
 * another site is refused. Browsers say where a request comes from in headers a page cannot set:
 * `Sec-Fetch-Site` (Fetch Metadata) when they send it, else `Origin`. A request with neither is
 * not from a browser that could carry a victim's cookies cross-site (the bench, scripts, server
 * components' own calls), so it goes on.
 */

export const CROSS_SITE_MESSAGE =
  "Refused: this request came from another site. Changes are accepted only from this app's own pages.";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Why `req` must be refused as a cross-site state change, or null when it may go on. */
export function crossSiteReason(req: Request): string | null {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return null;
  const site = req.headers.get("sec-fetch-site");
  if (site !== null) {
    // "same-site" is refused too: the other apps on this host are the same site (ports do not
    // count), and SameSite=Lax cookies go along with their requests. "none" is the user's own
    // action (a bookmark, the address bar).
    return site === "same-origin" || site === "none" ? null : `Sec-Fetch-Site: ${site}`;
  }
  const origin = req.headers.get("origin");
  if (origin === null) return null;
  // "null" is an opaque origin (sandboxed frame, data: or file: page): never one of ours.
  const originHost = hostOf(origin);
  return originHost !== null && originHost === requestHost(req)
    ? null
    : `Origin: ${origin.slice(0, 200)}`;
}

/**
 * The host the client addressed. The HAProxy edge passes Host through unchanged; X-Forwarded-Host
 * is not consulted (nothing in front of the apps sets it, so it would be the client's own claim).
 */
function requestHost(req: Request): string {
  return (req.headers.get("host") ?? new URL(req.url).host).toLowerCase();
}

function hostOf(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.protocol === "http:" || url.protocol === "https:" ? url.host.toLowerCase() : null;
  } catch (err) {
    if (err instanceof TypeError) return null; // not a URL at all
    throw err;
  }
}
