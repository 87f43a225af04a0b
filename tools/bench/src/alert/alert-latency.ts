/**
 * The alert drill: how long from a condition an operator must hear about to the notification in
 * the console's on-call inbox (and the webhook). The condition is a real one on the running
 * topology: the payment provider goes down (the simulator's fault admin), shoppers keep checking
 * out, the payments pool's circuit breaker opens — seen on that pool's own /metrics — and the
 * alert evaluator (leader of the maintenance pools) pages `CircuitBreakerOpen` after the rule's
 * `for:`. Then the provider comes back and the drill waits for the resolved notification.
 * Loopback only; bounded in time (`timeoutS`) and in orders (`maxOrders`).
 */
import pg from "pg";
import { processEnv } from "@agora/infra-local/env";
import { serviceFetch } from "@agora/infra-local/security";
import { databaseUrl, type ProfileName, topology } from "@agora/infra-local/topology";
import { IdentityPool } from "../identity.ts";
import { allocate, buyableItems } from "../journeys/catalog-fixtures.ts";
import { ShopperClient } from "../journeys/http-client.ts";
import { addToCart, placeOrder, shopperEmail, signUpAndIn, tokenizeCard } from "../journeys/shopper.ts";
import { trpcQuery } from "../journeys/trpc.ts";
import { benchTarget } from "../target.ts";

export interface AlertDrillReport {
  alertname: "CircuitBreakerOpen";
  /** Provider outage injected. */
  faultAt: string;
  /** The payments pool's breaker first seen open on its /metrics. */
  conditionAt: string | null;
  /** The firing notification recorded in the on-call inbox (core). */
  notifiedAt: string | null;
  /** The firing notification delivered to the webhook, when one is configured. */
  deliveredAt: string | null;
  resolvedAt: string | null;
  /** Condition → inbox, the number the drill exists for. */
  conditionToInboxMs: number | null;
  conditionToWebhookMs: number | null;
  /** Provider back → resolved notification. */
  healToResolvedMs: number | null;
  ordersPlaced: number;
  notes: string[];
}

const BREAKER_OPEN = /^(?:agora_)?resilience_breaker_state\{[^}]*breaker="payment-provider"[^}]*\}\s+2(?:\s|$)/m;

async function breakerOpen(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return res.ok && BREAKER_OPEN.test(await res.text());
  } catch {
    return false;
  }
}

interface NotificationRow {
  status: string;
  created_at: Date;
  delivered_at: Date | null;
}

async function notification(db: pg.Client, status: "firing" | "resolved", since: Date): Promise<NotificationRow | undefined> {
  const { rows } = await db.query<NotificationRow>(
    `SELECT status, created_at, delivered_at FROM alert_notifications
      WHERE status = $1 AND created_at >= $2
        AND alerts::text LIKE '%CircuitBreakerOpen%' AND alerts::text LIKE '%payment-provider%'
      ORDER BY created_at LIMIT 1`,
    [status, since],
  );
  return rows[0];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const iso = (d: Date | number | null | undefined) => (d == null ? null : new Date(d).toISOString());

export async function runAlertDrill(o: {
  profile?: ProfileName;
  timeoutS: number;
  maxOrders: number;
  onStep?: (line: string) => void;
}): Promise<AlertDrillReport> {
  const step = o.onStep ?? (() => undefined);
  const t = topology(o.profile);
  const target = benchTarget(o.profile);
  if (!/^https?:\/\/127\.\d+\.\d+\.\d+:\d+$/.test(target.gatewayUrl))
    throw new Error(`the alert drill only sends traffic to loopback, not ${target.gatewayUrl}`);
  const env = processEnv(t, "test-runner");
  // The simulator's admin API wants the test runner's client certificate (AGORA_TLS_*), which
  // serviceFetch reads from this process's environment.
  Object.assign(process.env, env);
  const sim = env.AGORA_PAYMENT_PROVIDER_URL;
  const token = env.AGORA_PAYMENT_SIM_ADMIN_TOKEN;
  if (!sim || !token) throw new Error("the topology's environment has no payment simulator admin");
  const admin = (method: "PUT" | "DELETE", body?: unknown) =>
    serviceFetch(`${sim}/admin/faults`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(5_000),
    }).then((r) => {
      if (!r.ok) throw new Error(`${method} /admin/faults: HTTP ${r.status}`);
    });
  const metricsUrl = `http://${t.host}:${t.apps.workerMetrics.payments}/metrics`;
  const db = new pg.Client({ connectionString: databaseUrl(t, "core", "rw") });
  await db.connect();
  const notes: string[] = [];
  const deadline = Date.now() + o.timeoutS * 1000;
  let ordersPlaced = 0;
  let healedAt: number | null = null;
  const report: AlertDrillReport = {
    alertname: "CircuitBreakerOpen",
    faultAt: "",
    conditionAt: null,
    notifiedAt: null,
    deliveredAt: null,
    resolvedAt: null,
    conditionToInboxMs: null,
    conditionToWebhookMs: null,
    healToResolvedMs: null,
    ordersPlaced: 0,
    notes,
  };
  try {
    if (await breakerOpen(metricsUrl)) throw new Error("the payment provider's breaker is already open: nothing to measure");
    const identities = new IdentityPool();
    const scout = new ShopperClient(target.gatewayUrl, identities.take());
    const { tokenizeUrl } = await trpcQuery<{ tokenizeUrl: string }>(scout, "checkout.paymentConfig");
    const units = allocate(await buyableItems(scout, o.maxOrders), o.maxOrders);
    scout.close();
    const shopper = await signUpAndIn(target.gatewayUrl, identities.take(), shopperEmail(`alert-${Date.now().toString(36)}`, 0));
    // The card is tokenized before the outage: the hosted card step is the provider too.
    const cards = await Promise.all(units.map(() => tokenizeCard(shopper, tokenizeUrl)));

    const faultAt = new Date();
    report.faultAt = faultAt.toISOString();
    await admin("PUT", { outage: true, scope: "payments" });
    step("payment provider down; shoppers keep checking out");
    // Orders keep coming until the breaker opens (authorizations fail, the sagas retry them).
    let conditionAt: number | null = null;
    for (let i = 0; conditionAt === null && Date.now() < deadline; i++) {
      const item = units[i];
      const card = cards[i];
      if (item && card) {
        try {
          await addToCart(shopper, item);
          await placeOrder(shopper, card);
          ordersPlaced++;
        } catch (err) {
          notes.push(`checkout during the outage: ${(err as Error).message.slice(0, 120)}`);
        }
      }
      for (let k = 0; k < 8 && conditionAt === null; k++) {
        if (await breakerOpen(metricsUrl)) conditionAt = Date.now();
        else await sleep(250);
      }
    }
    if (conditionAt === null) throw new Error(`the breaker did not open within ${o.timeoutS} s (${ordersPlaced} orders)`);
    report.conditionAt = iso(conditionAt);
    step(`breaker open ${conditionAt - faultAt.getTime()} ms after the outage; waiting for the page`);

    let firing: NotificationRow | undefined;
    while (!firing && Date.now() < deadline) {
      firing = await notification(db, "firing", faultAt);
      if (!firing) await sleep(500);
    }
    if (firing) {
      report.notifiedAt = iso(firing.created_at);
      report.conditionToInboxMs = firing.created_at.getTime() - conditionAt;
      step(`paged: inbox ${report.conditionToInboxMs} ms after the breaker opened`);
      // The webhook is delivered right after the evaluation that recorded it.
      for (let k = 0; k < 20 && !firing.delivered_at; k++) {
        await sleep(500);
        firing = (await notification(db, "firing", faultAt)) ?? firing;
      }
      report.deliveredAt = iso(firing.delivered_at);
      report.conditionToWebhookMs = firing.delivered_at ? firing.delivered_at.getTime() - conditionAt : null;
    } else notes.push(`no firing notification within ${o.timeoutS} s`);
  } finally {
    await admin("DELETE").catch((err: unknown) => notes.push(`healing the provider: ${(err as Error).message}`));
    healedAt = Date.now();
  }
  try {
    step("payment provider back; waiting for the resolved notification");
    const resolveBy = Math.max(deadline, healedAt + 180_000);
    let resolved: NotificationRow | undefined;
    while (!resolved && Date.now() < resolveBy) {
      resolved = await notification(db, "resolved", new Date(healedAt));
      if (!resolved) await sleep(1_000);
    }
    if (resolved) {
      report.resolvedAt = iso(resolved.created_at);
      report.healToResolvedMs = resolved.created_at.getTime() - healedAt;
    } else notes.push("no resolved notification within 3 min of the provider coming back");
  } finally {
    await db.end();
  }
  report.ordersPlaced = ordersPlaced;
  return report;
}
