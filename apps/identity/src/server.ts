/**
 * The identity provider's HTTP server: `/healthz`, the pages' stylesheet, the sign-in and sign-up
 * interactions, and everything else to the current oidc-provider instance. Once an hour (and at start) it asks for the current key set; when the
 * signing key rotated (here or in another instance), it builds a provider over the new keys and
 * swaps it in — requests in flight finish on the old one.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Redis } from "ioredis";
import type Provider from "oidc-provider";
import type { SignInThrottle } from "@agora/auth";
import { handleInteraction } from "./interactions.ts";
import { loadSigningKeysWithRetry } from "./load-signing-keys.ts";
import { STYLESHEET_PATH } from "./pages/page-shell.ts";
import { compilePageStyles } from "./pages/styles.ts";
import { createProvider, type RelyingParty } from "./provider.ts";
import { currentKeySet, type KeySet } from "./signing-keys.ts";

export interface IdentityServerOptions {
  issuer: string;
  relyingParties?: RelyingParty[];
  redis: Redis;
  cookieKeys: string[];
  rotateAfterMs: number;
  /** How often to look for a rotation (default 1 h). */
  checkEveryMs?: number;
  onRotate?: (kid: string) => void;
  onError?: (err: unknown) => void;
  /** The sign-in form's throttle (default: the apps' Redis windows per account and address). */
  signInThrottle?: SignInThrottle;
  /** The pages' stylesheet (main.ts: the one built beside the bundle); default compiled at start. */
  styles?: string;
}

export interface IdentityServer {
  listen(port: number, host: string): Promise<string>;
  /** Runs the rotation check now (tests, and the timer). */
  refreshKeys(now?: Date): Promise<KeySet>;
  close(): Promise<void>;
}

export async function createIdentityServer(opts: IdentityServerOptions): Promise<IdentityServer> {
  let keys = await loadSigningKeysWithRetry(() => currentKeySet(opts.rotateAfterMs), {
    onRetry: (err, attempt, delayMs) => opts.onError?.(new Error(`loading the signing keys (attempt ${attempt}) failed, retrying in ${delayMs} ms: ${err instanceof Error ? err.message : String(err)}`)),
  });
  let provider: Provider = createProvider({ ...opts, keys });
  const styles = opts.styles ?? (await compilePageStyles());
  const interactionOptions = {
    ...(opts.signInThrottle ? { throttle: opts.signInThrottle } : {}),
    formTargets: [
      ...new Set((opts.relyingParties ?? []).flatMap((rp) => rp.redirectUris.map((u) => new URL(u).origin))),
    ],
  };

  const refreshKeys = async (now?: Date) => {
    const next = await currentKeySet(opts.rotateAfterMs, now);
    const changed =
      next.published.map((k) => k.kid).join() !== keys.published.map((k) => k.kid).join();
    if (changed) {
      provider = createProvider({ ...opts, keys: next });
      keys = next;
      opts.onRotate?.(next.currentKid);
    }
    return next;
  };
  const timer = setInterval(
    () => {
      refreshKeys().catch((err: unknown) => opts.onError?.(err));
    },
    opts.checkEveryMs ?? 60 * 60_000,
  );
  timer.unref();

  const server: Server = createServer((req, res) => {
    if (req.url === "/healthz") {
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
      return;
    }
    if (req.url === STYLESHEET_PATH) {
      res
        .writeHead(200, {
          "content-type": "text/css; charset=utf-8",
          "cache-control": "public, max-age=3600",
        })
        .end(styles);
      return;
    }
    const current = provider;
    handleInteraction(current, req, res, interactionOptions)
      .then((handled) => {
        if (!handled) current.callback()(req, res);
      })
      .catch((err: unknown) => {
        // An expired or foreign interaction (no cookie, finished already) is the user's to restart.
        const known = err instanceof Error && err.name === "SessionNotFound";
        if (!known) opts.onError?.(err);
        if (!res.headersSent)
          res.writeHead(known ? 400 : 500, { "content-type": "text/html; charset=utf-8" });
        res.end(
          known
            ? "<p>This sign-in has expired; start again from the app.</p>"
            : "<p>Something went wrong on our side.</p>",
        );
      });
  });

  return {
    listen: (port, host) =>
      new Promise((resolve) => {
        server.listen(port, host, () => {
          const a = server.address() as AddressInfo;
          resolve(`http://${a.address}:${a.port}`);
        });
      }),
    refreshKeys,
    close: () =>
      new Promise((resolve) => {
        clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
