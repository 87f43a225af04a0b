import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { type ClusterMembers, opsBackend, type NodeStatus, type TopologyStatus } from "./backend.ts";
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
  const backend = opsBackend();
  const status = await withTimeout(
    "topology status probe",
    input?.timeoutMs ?? 5_000,
    backend.topologyStatus(),
  );
  return groupStatus(status, backend.clusterNames());
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

/**
 * The one cluster a failover drill watches, without the rest of the topology probe (see
 * OpsBackend.clusterMembers), so the drill page sees a new leader on its next poll even while the
 * drill loads the machine.
 */
export async function clusterMembers(
  input: z.infer<typeof clusterMembersInput>,
): Promise<ClusterMembers> {
  const backend = opsBackend();
  if (!backend.clusterNames().includes(input.cluster))
    throw new TRPCError({ code: "NOT_FOUND", message: `no cluster named ${input.cluster}` });
  return withTimeout("cluster status probe", 3_000, backend.clusterMembers(input.cluster));
}
