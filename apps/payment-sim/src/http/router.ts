/**
 * A tiny route table: `METHOD /path/:param` patterns, matched segment by segment. Each route
 * names its fault scope, so fault injection and metrics work per route template, not per URL.
 */
import type { FaultScope } from "../faults.ts";

export interface HttpResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface RouteContext {
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body (`{}` when empty); only read for mutating routes. */
  body: unknown;
  /** Aborts when the client goes away or the simulator closes. */
  signal: AbortSignal;
}

export interface Route {
  method: "GET" | "POST" | "PUT" | "DELETE";
  pattern: string;
  /**
   * Which fault scope covers the route; `payswift` routes answer to PaySwift's own injector;
   * `null` routes (admin, health) are never faulted.
   */
  scope: Exclude<FaultScope, "all"> | "payswift" | null;
  /** Mutating provider calls require an idempotency key. */
  idempotent: boolean;
  /** The header carrying that key; default `Idempotency-Key` (each provider names its own). */
  idempotencyHeader?: string;
  /**
   * Which credential the route requires: the admin token or the card provider's API key (both
   * `Authorization: Bearer`), PaySwift's key (`X-PaySwift-Key`), or none.
   */
  auth: "admin" | "provider-key" | "payswift-key" | null;
  handle(ctx: RouteContext): HttpResult | Promise<HttpResult>;
}

export type RouteMatch =
  | { kind: "found"; route: Route; params: Record<string, string> }
  | { kind: "method_not_allowed"; allow: string[] }
  | { kind: "not_found" };

export function matchRoute(routes: readonly Route[], method: string, pathname: string): RouteMatch {
  const parts = pathname.split("/").filter(Boolean);
  // A literal segment beats a parameter: `/v1/payments/authorize` is never payment "authorize".
  const candidates = routes
    .map((route) => ({
      route,
      params: matchPattern(route.pattern, parts),
      literals: literalCount(route.pattern),
    }))
    .filter(
      (c): c is { route: Route; params: Record<string, string>; literals: number } =>
        c.params !== null,
    );
  const best = Math.max(...candidates.map((c) => c.literals));
  const winners = candidates.filter((c) => c.literals === best);
  const hit = winners.find((c) => c.route.method === method);
  if (hit) return { kind: "found", route: hit.route, params: hit.params };
  return winners.length > 0
    ? { kind: "method_not_allowed", allow: winners.map((c) => c.route.method) }
    : { kind: "not_found" };
}

function literalCount(pattern: string): number {
  return pattern.split("/").filter((s) => s && !s.startsWith(":")).length;
}

function matchPattern(pattern: string, parts: string[]): Record<string, string> | null {
  const want = pattern.split("/").filter(Boolean);
  if (want.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const p = parts[i] as string;
    if (w.startsWith(":")) {
      let value: string;
      try {
        value = decodeURIComponent(p);
      } catch (err) {
        // A malformed %-escape cannot name any resource: treat as no match rather than a 500.
        if (err instanceof URIError) return null;
        throw err;
      }
      params[w.slice(1)] = value;
    } else if (w !== p) {
      return null;
    }
  }
  return params;
}
