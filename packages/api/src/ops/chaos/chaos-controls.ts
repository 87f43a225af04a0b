/**
 * Chaos controls behind the ops console: every action is executed against the real topology,
 * recorded in `chaos_faults` and the audit log, and can be undone with one click (kill →
 * restart, pause → resume, provider / db-link fault → the configuration before it). The active
 * rows are what the console's fault banner shows.
 */
import { serviceFetch } from "@agora/config/service-tls";
import { core } from "@agora/db";
import { bearerHeader } from "@agora/auth/service-token";
import { loadConfig, paymentSimAdminTokenSchema, servicesSchema } from "@agora/config";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { inverseOf, isOpsError, opsBackend, type NodeAction } from "../backend.ts";
import type { ChaosApplyInput } from "./chaos-input.ts";

const CALL_TIMEOUT_MS = 3_000;

export interface ActiveFault {
  id: string;
  kind: string;
  target: string;
  action: string;
  params: unknown;
  startedAt: Date;
  /** Label for the banner, e.g. "core-1 paused" or "payments: outage". */
  summary: string;
  undoable: boolean;
}

const providerFaultSchema = z
  .object({
    latencyMs: z.number(),
    errorRate: z.number(),
    outage: z.boolean(),
    scope: z.string(),
  })
  .loose();

const linkFaultSchema = z.object({ latencyMs: z.number(), dropRate: z.number(), blackhole: z.boolean() });

/** The simulator's admin API (faults) takes its admin token. */
async function callJson(url: string, init: { method?: string; body?: string } = {}): Promise<unknown> {
  const { AGORA_PAYMENT_SIM_ADMIN_TOKEN } = loadConfig(paymentSimAdminTokenSchema);
  let res: Response;
  try {
    // https: the simulator's admin API over mutual TLS, with the console's service certificate.
    res = await serviceFetch(url, {
      ...init,
      headers: { "content-type": "application/json", ...bearerHeader(AGORA_PAYMENT_SIM_ADMIN_TOKEN) },
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
  } catch (err) {
    throw new TRPCError({
      code: "SERVICE_UNAVAILABLE",
      message: `${new URL(url).pathname} did not answer: ${(err as Error).message}`,
      cause: err,
    });
  }
  if (!res.ok)
    throw new TRPCError({ code: "BAD_GATEWAY", message: `${url} answered ${res.status}` });
  return res.json();
}

/** The payment provider's fault controls (the simulator's admin API). */
const simUrl = (path: string) =>
  `${loadConfig(servicesSchema.pick({ AGORA_PAYMENT_PROVIDER_URL: true })).AGORA_PAYMENT_PROVIDER_URL}${path}`;

function summarize(row: { kind: string; target: string; action: string; params: unknown }): string {
  if (row.kind === "node") return `${row.target} ${row.action === "kill" ? "killed" : "paused"}`;
  const p = z.object({ fault: z.record(z.string(), z.unknown()) }).safeParse(row.params);
  const parts = p.success
    ? Object.entries(p.data.fault)
        .filter(([, v]) => v !== 0 && v !== false)
        .map(([k, v]) => (v === true ? k : `${k} ${String(v)}`))
    : [];
  return `${row.kind === "provider" ? `provider ${row.target}` : `link to ${row.target}`}: ${parts.join(", ") || "fault"}`;
}

/** Everything the chaos page draws: targets with state, provider and link faults, active rows. */
export async function chaosOverview() {
  const backend = opsBackend();
  const [provider, links, active, recent] = await Promise.all([
    callJson(simUrl("/admin/faults"))
      .then((b) => providerFaultSchema.parse(b))
      .catch(() => null),
    backend.linkFaults().catch(() => null),
    activeFaults(),
    recentFaults(),
  ]);
  return {
    targets: backend.chaosTargets().map(({ name, kind, group, running, paused }) => ({ name, kind, group, running, paused })),
    provider,
    links,
    active,
    history: recent.map((r) => ({
      id: r.id.toString(),
      kind: r.kind,
      target: r.target,
      action: r.action,
      startedAt: r.startedAt,
      undoneAt: r.undoneAt,
      undoError: r.undoError,
      summary: summarize(r),
    })),
  };
}

async function recentFaults() {
  return core().primary.chaosFault.findMany({ orderBy: { id: "desc" }, take: 30 });
}

export async function activeFaults(): Promise<ActiveFault[]> {
  const rows = await core().primary.chaosFault.findMany({
    where: { undoneAt: null },
    orderBy: { id: "asc" },
  });
  return rows.map((r) => ({
    id: r.id.toString(),
    kind: r.kind,
    target: r.target,
    action: r.action,
    params: r.params,
    startedAt: r.startedAt,
    summary: summarize(r),
    undoable: true,
  }));
}

async function audit(actorUserId: string, action: string, target: string, details: object) {
  await core().primary.auditLog.create({
    data: { actorUserId, action, targetType: "topology", targetId: target, details },
  });
}

function mapNodeError(err: unknown): never {
  if (isOpsError(err, "UNKNOWN_OPS_TARGET"))
    throw new TRPCError({ code: "NOT_FOUND", message: err.message, cause: err });
  throw err;
}

/** Applies one chaos action and records it. Returns the ledger row id (null: nothing to undo). */
export async function applyChaos(actorUserId: string, input: ChaosApplyInput) {
  const backend = opsBackend();
  // The configuration before the fault, restored by undo.
  let previous: z.core.util.JSONType = null;
  if (input.kind === "node") {
    await backend.applyNodeAction(input.target, input.action).catch(mapNodeError);
    // A crash is the supervisor's to heal (self-healing): audited, nothing left to undo.
    if (input.action === "crash") {
      await audit(actorUserId, "chaos.crash", input.target, { kind: "node" });
      return { id: null };
    }
    // Resume/restart are themselves undo-like: they close matching open faults instead of opening one.
    if (!inverseOf(input.action)) {
      await closeMatching(input.target, actorUserId);
      await audit(actorUserId, `chaos.${input.action}`, input.target, { kind: "node" });
      return { id: null };
    }
  } else if (input.kind === "provider") {
    previous = z.json().parse(await callJson(simUrl("/admin/faults")));
    await callJson(simUrl("/admin/faults"), {
      method: "PUT",
      body: JSON.stringify({ ...input.fault, scope: input.target }),
    });
  } else {
    const views = await backend.linkFaults().catch((err: unknown) => {
      throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: `link faults did not answer: ${(err as Error).message}`, cause: err });
    });
    const view = views?.find((v) => v.cluster === input.target);
    if (!view)
      throw new TRPCError({ code: "NOT_FOUND", message: `no fault proxy for ${input.target}` });
    previous = view.fault;
    await backend.setLinkFault(input.target, input.fault);
  }
  const action = input.kind === "node" ? input.action : "inject";
  const params = input.kind === "node" ? {} : { fault: input.fault, previous };
  const row = await core().primary.chaosFault.create({
    data: { kind: input.kind, target: input.target, action, params, actorUserId },
  });
  await audit(actorUserId, `chaos.${action}`, input.target, { kind: input.kind, params });
  return { id: row.id.toString() };
}

async function closeMatching(target: string, actorUserId: string) {
  await core().primary.chaosFault.updateMany({
    where: { kind: "node", target, undoneAt: null },
    data: { undoneAt: new Date(), undoneBy: actorUserId },
  });
}

/** Undoes one recorded action (idempotent: an already undone row is left as it is). */
export async function undoChaos(actorUserId: string, id: bigint) {
  const backend = opsBackend();
  const row = await core().primary.chaosFault.findUnique({ where: { id } });
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: `no chaos action ${id}` });
  if (row.undoneAt) return { id: row.id.toString(), alreadyUndone: true };
  let undoError: string | null = null;
  try {
    if (row.kind === "node") {
      const inverse = inverseOf(row.action as NodeAction);
      if (inverse) await backend.applyNodeAction(row.target, inverse);
    } else {
      const previous = z.object({ previous: z.unknown() }).parse(row.params).previous;
      if (row.kind === "provider")
        await callJson(simUrl("/admin/faults"), {
          method: "PUT",
          body: JSON.stringify(previous),
        });
      else await backend.setLinkFault(row.target, linkFaultSchema.parse(previous));
    }
  } catch (err) {
    undoError = (err as Error).message;
  }
  await core().primary.chaosFault.update({
    where: { id },
    data: undoError
      ? { undoError }
      : { undoneAt: new Date(), undoneBy: actorUserId, undoError: null },
  });
  await audit(actorUserId, "chaos.undo", row.target, { id: row.id.toString(), undoError });
  if (undoError) throw new TRPCError({ code: "BAD_GATEWAY", message: `undo failed: ${undoError}` });
  return { id: row.id.toString(), alreadyUndone: false };
}
