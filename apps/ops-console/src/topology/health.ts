import type { RouterOutputs } from "@agora/api";
import type { Health } from "@agora/ui";

export type NodeStatus = RouterOutputs["ops"]["topology"]["etcd"]["members"][number];

/** The status probe says up/degraded/down; the UI's colour scale has names of its own. */
export function uiHealth(h: NodeStatus["health"]): Health {
  return h === "up" ? "healthy" : h;
}

/** Worst health of a group: one node down makes the panel amber, all down makes it red. */
export function groupHealth(nodes: readonly NodeStatus[]): Health {
  if (nodes.length === 0) return "unknown";
  const down = nodes.filter((n) => n.health === "down").length;
  if (down === nodes.length) return "down";
  if (down > 0 || nodes.some((n) => n.health === "degraded")) return "degraded";
  return "healthy";
}

export function formatBytes(b: number): string {
  if (b < 1024) return `${b} B`;
  if (b < 1024 * 1024) return `${(b / 1024).toFixed(1)} KiB`;
  return `${(b / 1024 / 1024).toFixed(1)} MiB`;
}
