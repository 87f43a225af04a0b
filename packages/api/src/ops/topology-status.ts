import { type NodeStatus, type TopologyStatus, getStatus } from "@agora/infra-local/status";
import { patroniClusterFromAny } from "@agora/infra-local/probes";
import { cluster as clusterOf, topology } from "@agora/infra-local/topology";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { withTimeout } from "../data-layer/timeout.ts";

export const topologyStatusInput = z
  .object({
    /** Upper bound for one full probe round; the console polls every 2 s. */
    timeoutMs: z.number().int().min(200).max(15_000).default(5_000),
  })
  .optional();

export interface ClusterView {
  name: string;
  leader: string | null;
  members: NodeStatus[];
}

/** The topology status grouped the way the ops console draws it: one panel per system. */
export interface TopologyOverview {
  profile: string;
  at: string;
  etcd: { leader: string | null; members: NodeStatus[] };
  postgres: ClusterView[];
  redis: { master: string | null; nodes: NodeStatus[]; sentinels: NodeStatus[] };
  haproxy: NodeStatus[];
  apps: NodeStatus[];
  totals: { up: number; degraded: number; down: number; rssKb: number };
}

export async function topologyOverview(
  input: z.infer<typeof topologyStatusInput>,
): Promise<TopologyOverview> {
  const t = topology();
  const status = await withTimeout(
    "topology status probe",
    input?.timeoutMs ?? 5_000,
    getStatus(t),
  );
  return groupStatus(
    status,
    t.clusters.map((c) => c.name),
  );
}

export function groupStatus(
  status: TopologyStatus,
  clusterNames: readonly string[],
): TopologyOverview {
  const of = (kind: NodeStatus["kind"]) => status.nodes.filter((n) => n.kind === kind);
  const pg = of("postgres");
  return {
    profile: status.profile,
    at: status.at,
    etcd: { leader: status.leaders.etcd ?? null, members: of("etcd") },
    postgres: clusterNames.map((name) => ({
      name,
      leader: status.leaders[name] ?? null,
      members: pg.filter((n) => n.group === name),
    })),
    redis: { master: status.leaders.redis ?? null, nodes: of("redis"), sentinels: of("sentinel") },
    // The edge: HAProxy (gateway, per-cluster ports) and the nginx CDN with its hit ratio.
    haproxy: [...of("haproxy"), ...of("cdn")],
    apps: of("app"),
    totals: {
      up: status.nodes.filter((n) => n.health === "up").length,
      degraded: status.nodes.filter((n) => n.health === "degraded").length,
      down: status.nodes.filter((n) => n.health === "down").length,
      rssKb: status.totalRssKb,
    },
  };
}

export const clusterMembersInput = z.object({ cluster: z.string().regex(/^[a-z0-9-]+$/) });

/** One Postgres cluster's members as Patroni's DCS sees them right now. */
export interface ClusterMembers {
  name: string;
  leader: string | null;
  at: string;
  members: { name: string; role: string; state: string; lagBytes: number | null }[];
}

/**
 * The one cluster a failover drill watches, without the rest of the topology probe: every member
 * asked at once (≤ 800 ms even with the old primary dead or frozen), no database connections, so
 * the drill page sees a new leader on its next poll even while the drill loads the machine.
 */
export async function clusterMembers(
  input: z.infer<typeof clusterMembersInput>,
): Promise<ClusterMembers> {
  const t = topology();
  if (!t.clusters.some((x) => x.name === input.cluster))
    throw new TRPCError({ code: "NOT_FOUND", message: `no cluster named ${input.cluster}` });
  const c = clusterOf(t, input.cluster);
  const state = await patroniClusterFromAny(c);
  return {
    name: c.name,
    leader: state?.leader ?? null,
    at: new Date().toISOString(),
    members: c.nodes.map((n) => {
      const m = state?.members.find((x) => x.name === n.name);
      return {
        name: n.name,
        role: m?.role ?? "unknown",
        state: m?.state ?? "unreachable",
        lagBytes: typeof m?.lag === "number" ? m.lag : null,
      };
    }),
  };
}
