/**
 * The on-call journey on a phone: an operator opens the Alerts page, acknowledges a firing alert,
 * silences it for an hour, sees the silence listed with the alert's labels, and ends it early.
 * The alert row is written straight into core (as the evaluator would), so the spec does not wait
 * out a real rule's `for:` duration; the evaluator's own path is covered by
 * apps/workers/src/alerting/alert-evaluator.int.test.ts.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { databaseUrl, topology } from "../infra/local/src/topology.ts";
import { expect, test } from "./support/fixtures.ts";
import { signInToOps } from "./support/ops-sign-in.ts";

test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

test("an operator acknowledges a firing alert and silences it from a phone", async ({ page }) => {
  const db = new pg.Client({ connectionString: databaseUrl(topology("test"), "core", "rw") });
  await db.connect();
  const breaker = `e2e-${randomUUID().slice(0, 8)}`;
  const labels = { alertname: "CircuitBreakerOpen", severity: "page", service: "workers-payments", breaker };
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO alerts (fingerprint, rule_id, alertname, severity, labels, summary, value, state, active_since, fired_at)
     VALUES ($1, 'CircuitBreakerOpen', 'CircuitBreakerOpen', 'page', $2, 'A circuit breaker is open: calls to its dependency are refused',
             2, 'firing', now() - interval '2 minutes', now() - interval '1 minute')
     RETURNING id`,
    [`CircuitBreakerOpen|breaker="${breaker}"`, JSON.stringify(labels)],
  );
  const alertId = rows[0]?.id;
  try {
    await signInToOps(page, "/alerts");
    await expect(page.getByRole("heading", { name: "Alerts" })).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("slo-table")).toContainText("checkout");

    const item = page.getByTestId("firing-alert").filter({ hasText: breaker });
    await expect(item).toBeVisible();
    await item.getByRole("button", { name: "Acknowledge" }).click();
    await expect(item).toContainText("acknowledged");
    await expect(item.getByRole("button", { name: "Acknowledge" })).toBeDisabled();

    await page.getByLabel("Silence for").selectOption("60");
    await item.getByRole("button", { name: "Silence" }).click();
    const silence = page.getByTestId("silences").getByRole("listitem").filter({ hasText: breaker });
    await expect(silence).toContainText("active");
    await silence.getByRole("button", { name: "End now" }).click();
    await expect(silence).toContainText("ended");

    const acked = await db.query("SELECT 1 FROM alerts WHERE id = $1 AND acknowledged_at IS NOT NULL", [alertId]);
    expect(acked.rowCount).toBe(1);
  } finally {
    await db.query("DELETE FROM alerts WHERE id = $1", [alertId]);
    await db.query("DELETE FROM alert_silences WHERE matchers @> $1::jsonb", [JSON.stringify([{ name: "breaker", value: breaker }])]);
    await db.end();
  }
});
