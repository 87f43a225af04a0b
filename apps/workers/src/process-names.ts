/**
 * Which numbered instance a process name is, without loading that kind's code (main.ts decides
 * what to import from the name alone).
 */

/** `realtime-<n>`: Socket.IO gateway instance n (one port each in the topology). */
export function realtimeInstance(name: string): number | null {
  const m = /^realtime-(\d+)$/.exec(name);
  return m ? Number(m[1]) : null;
}

/** `inventory-<n>` locally (one port each); plain `inventory` where replicas share one (Kubernetes). */
export function inventoryInstance(name: string): number | null {
  const m = /^inventory(?:-(\d+))?$/.exec(name);
  return m ? Number(m[1] ?? 0) : null;
}
