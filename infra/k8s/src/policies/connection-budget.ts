/**
 * Postgres connections, read back from the manifests: every pod that connects, at the most pods
 * its workload may have (an HPA's or ScaledObject's maximum, else its replicas, plus a rollout's
 * surge), times the pool `max` its container is given (`AGORA_DB_POOL_MAX_*`) and the sessions
 * its kind opens beside the pools (@agora/config connection-budget.ts), plus the reserved slots.
 * Each cluster's primary and replica must fit the `max_connections` its `postgresql` declares.
 */
import {
  CONNECTION_BUDGET,
  type DbTarget,
  DB_TARGETS,
  type MemberDemand,
  type ProcessKind,
  poolMaxEnvName,
  processKindOf,
  reservedConnections,
} from "@agora/config";
import type { EnvVar } from "kubernetes-types/core/v1";
import type { ZalandoPostgresql } from "../data/postgres.ts";
import type { Manifest } from "../manifest.ts";
import type { Violation } from "./violation.ts";
import { podWorkloads } from "./workloads.ts";

const policy = "connection-budget";

interface Scalable {
  spec?: {
    replicas?: number;
    parallelism?: number;
    strategy?: {
      rollingUpdate?: { maxSurge?: number | string };
      canary?: { maxSurge?: number | string };
    };
  };
}

interface ScalerDoc {
  kind?: string;
  spec?: { scaleTargetRef?: { name?: string }; maxReplicas?: number; maxReplicaCount?: number };
}

/** Pods a rollout adds on top of `replicas` (a percentage is rounded up, as Kubernetes does). */
function surge(replicas: number, maxSurge: number | string | undefined): number {
  if (maxSurge === undefined) return 0;
  if (typeof maxSurge === "number") return maxSurge;
  const percent = /^(\d+)%$/.exec(maxSurge)?.[1];
  return percent === undefined ? Number(maxSurge) : Math.ceil((replicas * Number(percent)) / 100);
}

/** The most pods of workload `doc` at once: its autoscaler's maximum (or replicas), plus surge. */
function maxPods(doc: Manifest, scalers: readonly ScalerDoc[]): number {
  const d = doc as Manifest & Scalable;
  if (doc.kind === "Job") return d.spec?.parallelism ?? 1;
  const scaler = scalers.find((s) => s.spec?.scaleTargetRef?.name === doc.metadata?.name);
  const replicas =
    scaler?.spec?.maxReplicas ?? scaler?.spec?.maxReplicaCount ?? d.spec?.replicas ?? 1;
  const strategy = d.spec?.strategy;
  const maxSurge = strategy?.rollingUpdate?.maxSurge ?? strategy?.canary?.maxSurge;
  return replicas + surge(replicas, maxSurge);
}

/** `agora-core` → `core`, `agora-shard-1` → `shard-1`. */
const clusterOf = (pg: ZalandoPostgresql) =>
  (pg.metadata.name ?? "").replace(new RegExp(`^${pg.spec.teamId}-`), "");

export interface ManifestConnections {
  demand: MemberDemand[];
  violations: Violation[];
}

/** Each cluster's primary and replica sum, and what could not be counted. */
export function manifestConnections(docs: readonly Manifest[]): ManifestConnections {
  const violations: Violation[] = [];
  const scalers = docs.filter((d) =>
    ["HorizontalPodAutoscaler", "ScaledObject"].includes(d.kind ?? ""),
  ) as ScalerDoc[];
  const perTarget = new Map<DbTarget, { kind: ProcessKind; pods: number; perPod: number }[]>(
    DB_TARGETS.map((t) => [t, []]),
  );
  const workloads = podWorkloads(docs);
  for (const doc of docs) {
    const w = workloads.find((x) => x.ref === `${doc.kind}/${doc.metadata?.name}`);
    if (!w || !["Deployment", "Rollout", "Job", "StatefulSet"].includes(doc.kind ?? "")) continue;
    for (const c of w.spec.containers) {
      const env = new Map((c.env ?? []).map((v: EnvVar) => [v.name, v]));
      if (!env.has("AGORA_DB_URL_CORE_RW")) continue;
      const service = env.get("AGORA_SERVICE_NAME")?.value ?? doc.metadata?.name ?? "";
      const kind = processKindOf(service);
      if (!kind) {
        violations.push({
          policy,
          document: w.ref,
          message: `${service} connects to Postgres but has no entry in the connection budget`,
        });
        continue;
      }
      const entry = CONNECTION_BUDGET[kind];
      const pods = maxPods(doc, scalers);
      for (const target of DB_TARGETS) {
        const name = poolMaxEnvName(target);
        const given = env.get(name)?.value;
        if ("none" in entry) {
          if (given !== undefined)
            violations.push({ policy, document: w.ref, message: `${kind} has no pools: ${name}` });
          continue;
        }
        const max = Number(given);
        if (given === undefined || !Number.isInteger(max) || max < 1) {
          violations.push({
            policy,
            document: w.ref,
            message: `container ${c.name} sets no ${name} (its pools would take 10)`,
          });
          continue;
        }
        perTarget.get(target)?.push({ kind, pods, perPod: max + (entry.sessions?.[target] ?? 0) });
      }
    }
  }
  const reserved = reservedConnections();
  const demand: MemberDemand[] = [];
  for (const pg of docs.filter((d) => d.kind === "postgresql") as ZalandoPostgresql[]) {
    const cluster = clusterOf(pg);
    const declared = Number(pg.spec.postgresql.parameters?.max_connections);
    if (!Number.isInteger(declared) || declared < 1) {
      violations.push({
        policy,
        document: `postgresql/${pg.metadata.name}`,
        message: "declares no max_connections",
      });
      continue;
    }
    const side = cluster === "core" ? "core" : "shard";
    for (const role of ["rw", "ro"] as const) {
      // Replicas: as if one served every read-only connection (the others down or rejoining).
      if (role === "ro" && pg.spec.numberOfInstances < 2) continue;
      const rows = new Map<ProcessKind, { instances: number; perInstance: number }>();
      for (const r of perTarget.get(`${side}-${role}`) ?? []) {
        const row = rows.get(r.kind) ?? { instances: 0, perInstance: r.perPod };
        // Pods of one kind may differ (realtime-1 … n): the largest per-pod allowance counts.
        rows.set(r.kind, {
          instances: row.instances + r.pods,
          perInstance: Math.max(row.perInstance, r.perPod),
        });
      }
      const list = [...rows].map(([kind, r]) => ({
        kind,
        ...r,
        total: r.instances * r.perInstance,
      }));
      const d: MemberDemand = {
        cluster,
        member: role === "rw" ? "primary" : "replica",
        rows: list,
        reserved,
        total: list.reduce((n, r) => n + r.total, reserved),
        maxConnections: declared,
      };
      demand.push(d);
      if (d.total > declared)
        violations.push({
          policy,
          document: `postgresql/${pg.metadata.name}`,
          message: `its ${d.member} may be asked for ${d.total} connections (${list
            .map((r) => `${r.kind} ${r.instances}×${r.perInstance}`)
            .join(", ")}, reserved ${reserved}) but max_connections is ${declared}`,
        });
    }
  }
  return { demand, violations };
}

export function checkConnectionBudget(docs: readonly Manifest[]): Violation[] {
  return manifestConnections(docs).violations;
}
