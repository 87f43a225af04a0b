/**
 * Which processes the console (and the alert evaluator) scrape: the configured targets
 * (AGORA_METRICS_TARGETS: the topology's own processes, so one that is down still shows as down)
 * plus every instance the service registry lists for a service that serves Prometheus text — the
 * autoscaler's extra storefronts, a rollout's canary or green set — at the address it registered.
 * A registered instance wins over a configured target of the same name (its address is the live
 * one). The registry is read once per scrape round (one range read of `<prefix>services/`);
 * when etcd does not answer, the configured targets are scraped alone.
 */
import type { ServiceInstance } from "@agora/registry";

/** Registered services that answer Prometheus text, and on which path of their address. */
export const METRICS_PATH_BY_SERVICE: Readonly<Record<string, string>> = {
  storefront: "/api/metrics",
  "vendor-portal": "/api/metrics",
  "ops-console": "/api/metrics",
};

export interface DiscoveredTarget {
  /** The process: `storefront-3`, `workers-sagas`, … (one series per name in the history). */
  name: string;
  /** The tier it belongs to: `storefront` for every storefront instance, else the name. */
  group: string;
  url: string;
  source: "configured" | "registry";
}

/** `storefront-12` → `storefront`; `workers-sagas` → `workers-sagas`. */
export function groupOf(name: string): string {
  const m = /^(storefront|realtime|inventory)-\d+$/.exec(name);
  return m?.[1] ?? name;
}

/**
 * Configured targets plus registered instances of the services in `METRICS_PATH_BY_SERVICE`.
 * `registered` is undefined when the registry could not be read.
 */
export function discoverScrapeTargets(
  configured: readonly { name: string; url: string }[],
  registered: readonly ServiceInstance[] | undefined,
): DiscoveredTarget[] {
  const byName = new Map<string, DiscoveredTarget>();
  for (const c of configured) byName.set(c.name, { name: c.name, group: groupOf(c.name), url: c.url, source: "configured" });
  for (const i of registered ?? []) {
    const path = METRICS_PATH_BY_SERVICE[i.service];
    if (!path) continue;
    // Not ready is still scraped: a draining instance is finishing requests that belong in the charts.
    byName.set(i.instanceId, { name: i.instanceId, group: i.service, url: `http://${i.address}${path}`, source: "registry" });
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name, "en", { numeric: true }));
}
