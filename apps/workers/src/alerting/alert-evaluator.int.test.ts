/**
 * The alert evaluator against the real topology: real conditions (a BullMQ job nobody consumes, an
 * undecided payout prepared transaction on a shard), the real probes, the alerting tables in core,
 * and a real HTTP webhook receiver that fails its first answer. Thresholds are lowered so each
 * condition fires within seconds; the latency from condition to webhook is printed. This test
 * process's own /metrics body is one more scrape target, so a breaker it opens and the tRPC request
 * counters it increments are read exactly as a pool's or an app's would be.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alertRules, DEFAULT_THRESHOLDS } from "@agora/alerting";
import { beginParticipant, closeAll, core, rollbackPrepared, shardNames } from "@agora/db";
import { parsePrometheus } from "@agora/api/ops";
import { createRedis } from "@agora/redis";
import { createCircuitBreaker, resilienceMetrics } from "@agora/resilience";
import { exposeRegistry, metricsHandler, redMetrics } from "@agora/telemetry";
import { AlertEvaluator } from "./alert-evaluator.ts";
import { gatherSamples } from "./signal-sources.ts";

interface Delivery {
  at: number;
  headers: IncomingHttpHeaders;
  body: { status: string; alerts: { status: string; labels: Record<string, string> }[] };
}

// As every process with breakers does: their states appear on its /metrics.
exposeRegistry(resilienceMetrics);

const run = randomUUID().slice(0, 8);
const deliveries: Delivery[] = [];
const refusedOnce = new Set<string>();
let server: Server;
let webhookUrl = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      // Each notification's first attempt fails: the evaluator must retry with the same key.
      const key = String(req.headers["idempotency-key"]);
      if (!refusedOnce.has(key)) {
        refusedOnce.add(key);
        res.writeHead(503).end();
        return;
      }
      deliveries.push({ at: Date.now(), headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await closeAll();
});

function evaluator() {
  return new AlertEvaluator({
    rules: alertRules({
      ...DEFAULT_THRESHOLDS,
      queueOldestJobSeconds: 1,
      queueAgeForMs: 1_000,
      payoutInDoubtForMs: 1_000,
      breakerOpenForMs: 1_000,
    }),
    signals: async () => [
      ...(await gatherSamples({ timeoutMs: 2_000, inDoubtAfterMs: 0 })),
      ...parsePrometheus((await metricsHandler()).body).map((x) => ({ ...x, labels: { ...x.labels, service: "test-runner" } })),
    ],
    isLeader: () => true,
    webhook: { url: webhookUrl, timeoutMs: 2_000, initialDelayMs: 50, maxDelayMs: 200 },
  });
}

/** Evaluates every 500 ms until the webhook received a notification `match` accepts (30 s at most). */
async function evaluateUntil(e: AlertEvaluator, match: (d: Delivery) => boolean): Promise<Delivery> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    await e.evaluate();
    const hit = deliveries.find(match);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("no matching notification reached the webhook within 30 s");
}

const about = (name: string, key: string, value: string, status: string) => (d: Delivery) =>
  d.body.status === status && d.body.alerts.some((a) => a.labels.alertname === name && a.labels[key] === value);

describe("alert evaluator", () => {
  it("notifies the inbox and the webhook when a queue's oldest job waits too long, and again when it resolves", async () => {
    const name = `alert-test-${run}`;
    const queue = new Queue(name, { connection: createRedis({ maxRetriesPerRequest: null, connectionName: "alert-test" }) });
    const e = evaluator();
    try {
      await e.evaluate();
      // No pool consumes this queue: the job just waits, as behind a paused pool.
      const conditionAt = Date.now();
      await queue.add("stuck", { run });
      const firing = await evaluateUntil(e, about("QueueOldestJobAge", "queue", name, "firing"));
      console.info(`queue age alert: condition → webhook ${firing.at - conditionAt} ms (threshold 1 s, for 1 s, evaluated every 0.5 s)`);

      const key = firing.headers["idempotency-key"];
      expect(key).toMatch(/^[0-9a-f]{32}$/);
      const row = await core().primary.alertNotification.findUnique({ where: { id: String(key) } });
      expect(row).toMatchObject({ status: "firing", webhookState: "delivered" });
      // The receiver's 503 cost one attempt; the retry carried the same key.
      expect(row?.webhookAttempts).toBe(2);
      const alert = await core().primary.alert.findFirst({ where: { alertname: "QueueOldestJobAge", state: "firing", labels: { path: ["queue"], equals: name } } });
      expect(alert).not.toBeNull();

      await queue.obliterate({ force: true });
      await evaluateUntil(e, about("QueueOldestJobAge", "queue", name, "resolved"));
      const resolved = await core().primary.alert.findUnique({ where: { id: alert?.id ?? "" } });
      expect(resolved?.state).toBe("resolved");
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it("pages for a payout prepared transaction left in doubt on a shard (ADR 0005)", async () => {
    const cluster = shardNames()[0] ?? "shard-1";
    const gid = `payout:${randomUUID()}:shard`;
    const e = evaluator();
    const participant = await beginParticipant(cluster, "alert test");
    try {
      await e.evaluate();
      const conditionAt = Date.now();
      await participant.prepare(gid);
      const firing = await evaluateUntil(e, about("PayoutInDoubt", "cluster", cluster, "firing"));
      console.info(`payout in doubt alert: condition → webhook ${firing.at - conditionAt} ms (for 1 s, evaluated every 0.5 s)`);
      expect(firing.body.alerts.find((a) => a.labels.alertname === "PayoutInDoubt")?.labels.severity).toBe("page");
    } finally {
      await participant.close();
      await rollbackPrepared(cluster, gid);
    }
    await evaluateUntil(e, about("PayoutInDoubt", "cluster", cluster, "resolved"));
  });

  it("keeps a silenced alert out of the webhook and the inbox but records it as muted", async () => {
    const name = `alert-silenced-${run}`;
    const queue = new Queue(name, { connection: createRedis({ maxRetriesPerRequest: null, connectionName: "alert-test" }) });
    const silence = await core().primary.alertSilence.create({
      data: {
        matchers: [{ name: "queue", value: name, isRegex: false }],
        startsAt: new Date(),
        endsAt: new Date(Date.now() + 600_000),
        comment: "integration test",
        createdBy: randomUUID(),
      },
    });
    const e = evaluator();
    try {
      await queue.add("stuck", { run });
      const deadline = Date.now() + 30_000;
      let muted = null;
      while (!muted && Date.now() < deadline) {
        await e.evaluate();
        muted = await core().primary.alert.findFirst({ where: { alertname: "QueueOldestJobAge", labels: { path: ["queue"], equals: name } } });
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(muted?.muted).toBe("silenced");
      expect(deliveries.some(about("QueueOldestJobAge", "queue", name, "firing"))).toBe(false);
    } finally {
      await core().primary.alertSilence.delete({ where: { id: silence.id } });
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it("pages when checkout burns its error budget 14.4x over both 1 h and 5 min, and inhibits the slow-burn ticket", async () => {
    const requests = redMetrics("trpc").requests;
    const e = evaluator();
    await e.evaluate();
    // 5 % of checkout requests fail on the server: a 50x burn of a 99.9 % budget, in every window.
    const conditionAt = Date.now();
    requests.inc({ procedure: "checkout.place", status: "ok" }, 190);
    requests.inc({ procedure: "checkout.place", status: "error", error: "INTERNAL_SERVER_ERROR" }, 10);
    // Client errors are the product working: they never count against the budget.
    requests.inc({ procedure: "catalog.product", status: "error", error: "NOT_FOUND" }, 500);
    const page = await evaluateUntil(e, about("ErrorBudgetBurn", "journey", "checkout", "firing"));
    console.info(`checkout burn-rate page: counters → webhook ${page.at - conditionAt} ms`);
    expect(page.body.alerts.map((a) => `${a.labels.window} ${a.labels.severity}`).sort()).toEqual(["1h page", "6h page"]);
    const ticket = await core().primary.alert.findFirst({
      where: { alertname: "ErrorBudgetBurn", state: "firing", labels: { path: ["window"], equals: "3d" } },
    });
    expect(ticket?.muted).toBe("inhibited");
    expect(deliveries.some(about("ErrorBudgetBurn", "journey", "browse", "firing"))).toBe(false);
  });

  it("pages when a circuit breaker opens on a dependency that refuses connections", async () => {
    const name = `alert-test-${run}`;
    const breaker = createCircuitBreaker(name, {
      trip: { kind: "consecutive", failures: 3 },
      halfOpenAfterMs: 600_000,
      timeoutMs: 1_000,
      retry: { maxAttempts: 1 },
    });
    const e = evaluator();
    try {
      await e.evaluate();
      const conditionAt = Date.now();
      // Port 9 on loopback: nothing listens, every call fails with ECONNREFUSED.
      for (let i = 0; i < 3; i++)
        await breaker.execute(({ signal }) => fetch("http://127.0.0.1:9/", { signal })).catch(() => undefined);
      expect(breaker.state).toBe("open");
      const firing = await evaluateUntil(e, about("CircuitBreakerOpen", "breaker", name, "firing"));
      console.info(`breaker open alert: condition → webhook ${firing.at - conditionAt} ms (for 1 s, evaluated every 0.5 s)`);
    } finally {
      breaker.dispose();
    }
  });
});
