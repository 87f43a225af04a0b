/**
 * The console's Deployments: the last rollout (steps, current weight, every analysis run with its
 * measurements and verdict), starting one, and an operator's promote / abort / rollback. The
 * rollout itself runs as a bounded job of the deployment's backend; these only read its state and
 * send it requests. Every action is audited.
 */
import { core } from "@agora/db";
import { TRPCError } from "@trpc/server";
import { opsBackend } from "../backend.ts";
import type { RolloutActionInput, RolloutView, StartRolloutInput } from "./deployments.schema.ts";

export class RolloutConflictError extends Error {
  readonly code = "ROLLOUT_CONFLICT";
}

export function deploymentsOverview(): { rollout: RolloutView | null; available: boolean } {
  const backend = opsBackend();
  if (!backend.rollout) return { rollout: null, available: false };
  return { rollout: backend.rollout(), available: true };
}

async function audit(operatorId: string, action: string, targetId: string, details: Record<string, unknown>): Promise<void> {
  await core().primary.auditLog.create({
    data: { actorUserId: operatorId, action, targetType: "rollout", targetId, details: details as object },
  });
}

export async function startRollout(operatorId: string, input: StartRolloutInput): Promise<{ started: true }> {
  const backend = opsBackend();
  if (!backend.startRollout) throw new TRPCError({ code: "PRECONDITION_FAILED", message: "this deployment cannot start rollouts" });
  const current = backend.rollout?.();
  if (current?.running && !current.finishedAt) {
    const cause = new RolloutConflictError(`rollout ${current.id} is still running`);
    throw new TRPCError({ code: "CONFLICT", message: cause.message, cause });
  }
  await backend.startRollout(input);
  await audit(operatorId, "rollout.start", input.version, { ...input });
  return { started: true };
}

export async function rolloutAction(operatorId: string, input: RolloutActionInput): Promise<{ sent: true }> {
  const backend = opsBackend();
  const current = backend.rollout?.();
  if (!backend.rolloutAction || !current || current.id !== input.rolloutId)
    throw new TRPCError({ code: "NOT_FOUND", message: `no rollout ${input.rolloutId}` });
  if (!current.running)
    throw new TRPCError({ code: "CONFLICT", message: `rollout ${input.rolloutId} is not running (${current.phase})` });
  backend.rolloutAction(input.rolloutId, input.action);
  await audit(operatorId, `rollout.${input.action}`, input.rolloutId, { version: current.next.version });
  return { sent: true };
}
