import type { HaproxyInstance, Topology } from "../topology.ts";
import { httpGet } from "../processes/wait.ts";

export interface HaproxyServer {
  backend: string;
  server: string;
  /** UP, DOWN, "UP 1/2" (going down), "DOWN 1/1" (going up), MAINT … */
  status: string;
  /** L7OK, L7STS, INI (not checked yet) … */
  checkStatus: string;
}

/** Every server line of an instance's CSV stats (frontends and backend totals left out; default the first instance). */
export async function haproxyServers(
  t: Topology,
  timeoutMs = 800,
  instance: Pick<HaproxyInstance, "statsPort"> = t.haproxy,
): Promise<HaproxyServer[]> {
  const r = await httpGet(`http://${t.host}:${instance.statsPort}/;csv`, timeoutMs);
  const lines = r.body.split("\n").filter(Boolean);
  const header = (lines[0] ?? "").replace(/^# /, "").split(",");
  const col = (name: string) => header.indexOf(name);
  const [pi, si, st, cs] = [col("pxname"), col("svname"), col("status"), col("check_status")];
  return lines
    .slice(1)
    .map((l) => l.split(","))
    .filter((f) => f[si] !== "FRONTEND" && f[si] !== "BACKEND")
    .map((f) => ({ backend: f[pi] ?? "", server: f[si] ?? "", status: f[st] ?? "", checkStatus: f[cs] ?? "" }));
}

/** Servers HAProxy would route a new connection of `backend` to right now. */
export function routable(servers: HaproxyServer[], backend: string): string[] {
  return servers.filter((s) => s.backend === backend && s.status.startsWith("UP")).map((s) => s.server);
}
