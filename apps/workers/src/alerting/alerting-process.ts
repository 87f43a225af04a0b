/**
 * Starts the alert evaluator inside the `maintenance` pool process (no process of its own: on a
 * 2-core machine an idle process costs as much as the work). Every maintenance process campaigns
 * on etcd; only the leader evaluates, every ALERT_EVALUATE_EVERY_MS.
 */
import { hostname } from "node:os";
import { alertRules } from "@agora/alerting";
import { etcdSchema, loadConfig } from "@agora/config";
import { createLogger } from "@agora/telemetry";
import { z } from "zod";
import { LeaderElection } from "../leader/leader-election.ts";
import { AlertEvaluator } from "./alert-evaluator.ts";
import { gatherSamples } from "./signal-sources.ts";

const log = createLogger({ service: "alert-evaluator" });

const envSchema = z.object({
  /** 0 turns the evaluator off in this process. */
  ALERT_EVALUATE_EVERY_MS: z.coerce.number().int().min(0).default(15_000),
  /** Alertmanager-style webhook receiver; without it notifications go to the on-call inbox only. */
  AGORA_ALERT_WEBHOOK_URL: z.url().optional(),
  ALERT_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
  /** Per scrape and per probe. */
  ALERT_SIGNAL_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  /** Must exceed the payout recovery's grace plus its interval (ADR 0005). */
  ALERT_PAYOUT_IN_DOUBT_AFTER_MS: z.coerce.number().int().min(0).default(120_000),
});

export interface RunningAlerting {
  close(): Promise<void>;
}

export function startAlerting(): RunningAlerting {
  const { env, etcd } = loadConfig({ env: envSchema, etcd: etcdSchema });
  if (env.ALERT_EVALUATE_EVERY_MS === 0) return { close: () => Promise.resolve() };
  const election = new LeaderElection({
    hosts: etcd.AGORA_ETCD_ENDPOINTS,
    name: "alert-evaluator",
    candidateId: `${hostname()}:${process.pid}`,
    ttlSeconds: 5,
    // A follower retries rarely: the evaluator tolerates a few seconds without a leader.
    retryEveryMs: 2_000,
    onElected: () => evaluator.lead(),
    onLost: (_term, reason) => {
      evaluator.lose();
      log.warn({ reason }, "alert evaluator lost leadership");
    },
  });
  const evaluator = new AlertEvaluator({
    rules: alertRules(),
    isLeader: () => election.current() !== undefined,
    signals: () =>
      gatherSamples({ timeoutMs: env.ALERT_SIGNAL_TIMEOUT_MS, inDoubtAfterMs: env.ALERT_PAYOUT_IN_DOUBT_AFTER_MS }),
    ...(env.AGORA_ALERT_WEBHOOK_URL
      ? { webhook: { url: env.AGORA_ALERT_WEBHOOK_URL, timeoutMs: env.ALERT_WEBHOOK_TIMEOUT_MS } }
      : {}),
  });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  // An evaluation that hangs (a call with no timeout of its own) must not stop alerting for good:
  // past this deadline it is abandoned, said with the step it hung in, and the next one starts.
  const deadlineMs = Math.max(30_000, env.ALERT_EVALUATE_EVERY_MS * 4);
  const loop = () => {
    let deadline: NodeJS.Timeout | undefined;
    const overran = new Promise<void>((resolve) => {
      deadline = setTimeout(() => {
        log.error({ step: evaluator.abandon(), deadlineMs }, "alert evaluation did not finish in time; abandoned, the next one starts");
        resolve();
      }, deadlineMs);
    });
    const evaluation = evaluator
      .evaluate()
      .then(() => undefined)
      .catch((err: Error) => log.error({ err: err.message }, "alert evaluation failed"));
    running = Promise.race([evaluation, overran]).finally(() => {
      clearTimeout(deadline);
      if (!stopped) timer = setTimeout(loop, env.ALERT_EVALUATE_EVERY_MS);
    });
  };
  election.start();
  timer = setTimeout(loop, env.ALERT_EVALUATE_EVERY_MS);
  return {
    async close() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await election.stop();
    },
  };
}
