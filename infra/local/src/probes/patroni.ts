import type { ClusterTopology, PgMember, Topology } from "../topology.ts";
import { httpGet, httpPatch } from "../processes/wait.ts";
import { patroniTlsFiles } from "../security/tls-files.ts";

/**
 * Patroni's REST API speaks only https, with the member's certificate from the topology's CA:
 * verified against the copy of the CA in the member's folder (the same CA as `<state>/pki`).
 */
const restUrl = (m: PgMember, path: string) => `https://127.0.0.1:${m.restPort}${path}`;
const restTrust = (m: PgMember) => ({ ca: patroniTlsFiles(m).ca });
/** Unsafe methods present the admin client pair (Patroni's `verify_client: optional`). */
const adminTrust = (m: PgMember) => ({ ca: patroniTlsFiles(m).ca, ...patroniTlsFiles(m).admin });

/**
 * One call to a member's REST API (https, verified against the topology's CA): a GET, or a PATCH
 * with `patch` as its JSON body (e.g. `/config` `{ "pause": true }`), which presents the admin
 * client certificate (Patroni refuses an unsafe method without one).
 */
export function patroniRest(
  m: PgMember,
  path: string,
  opts: { patch?: unknown; timeoutMs?: number } = {},
): Promise<{ status: number; body: string }> {
  const timeoutMs = opts.timeoutMs ?? 3_000;
  return opts.patch === undefined
    ? httpGet(restUrl(m, path), timeoutMs, restTrust(m))
    : httpPatch(restUrl(m, path), opts.patch, timeoutMs, adminTrust(m));
}

/** One member as Patroni's `/cluster` endpoint reports it. */
export interface PatroniMember {
  name: string;
  role: "leader" | "replica" | "sync_standby" | "standby_leader" | string;
  state: string;
  host: string;
  port: number;
  timeline?: number;
  /** Replication lag in bytes (Patroni reports "unknown" when it cannot tell). */
  lag?: number | "unknown";
}

export interface PatroniClusterState {
  members: PatroniMember[];
  leader?: string;
  syncStandby?: string;
}

/** Asks each member's REST API in turn until one answers; the DCS view is the same everywhere. */
export async function patroniCluster(
  c: ClusterTopology,
  timeoutMs = 800,
): Promise<PatroniClusterState | undefined> {
  for (const n of c.nodes) {
    try {
      const r = await httpGet(restUrl(n, "/cluster"), timeoutMs, restTrust(n));
      if (r.status !== 200) continue;
      const body = JSON.parse(r.body) as { members?: PatroniMember[] };
      const members = body.members ?? [];
      return {
        members,
        leader: members.find((m) => m.role === "leader" && m.state === "running")?.name,
        syncStandby: members.find((m) => m.role === "sync_standby")?.name,
      };
    } catch (err) {
      if (!(err instanceof Error)) throw err;
      // this member is down or frozen: ask the next one
    }
  }
  return undefined;
}

/**
 * The cluster as any member sees it, asking all members at once: a dead member answers with a
 * refused connection, a frozen or busy one (a replica being promoted) costs one timeout, and
 * neither delays the answer of the others. An answer that names a running leader wins.
 */
export async function patroniClusterFromAny(
  c: ClusterTopology,
  timeoutMs = 800,
): Promise<PatroniClusterState | undefined> {
  const answers = c.nodes.map((n) => patroniCluster({ ...c, nodes: [n] }, timeoutMs));
  const withLeader = await Promise.any(
    answers.map(async (a) => {
      const s = await a;
      if (!s?.leader) throw new Error("no leader in this answer");
      return s;
    }),
  ).catch((err: unknown) => {
    if (err instanceof AggregateError) return undefined;
    throw err;
  });
  return withLeader ?? (await Promise.all(answers)).find((s) => s !== undefined);
}

/** 200 from `/primary` means: this member holds the leader lock and Postgres runs read-write. */
export async function memberIsPrimary(m: PgMember, timeoutMs = 800): Promise<boolean> {
  try {
    return (await httpGet(restUrl(m, "/primary"), timeoutMs, restTrust(m))).status === 200;
  } catch (err) {
    if (err instanceof Error) return false;
    throw err;
  }
}

export async function memberIsStreamingReplica(m: PgMember, timeoutMs = 800): Promise<boolean> {
  try {
    const r = await httpGet(restUrl(m, "/replica"), timeoutMs, restTrust(m));
    if (r.status !== 200) return false;
    const body = JSON.parse(r.body) as { replication_state?: string; state?: string };
    // Patroni 3.0 reports replication_state only for newer Postgres; `running` + /replica 200 is
    // enough to say it is a replica that follows the leader.
    return body.state === "running";
  } catch (err) {
    if (err instanceof Error) return false;
    throw err;
  }
}

export function leaderMember(t: Topology, c: ClusterTopology, state?: PatroniClusterState) {
  return c.nodes.find((n) => n.name === state?.leader);
}
