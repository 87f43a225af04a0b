import { alertRules, durationText } from "@agora/alerting";
import { parser } from "@prometheus-io/lezer-promql";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { environment } from "../environments.ts";
import { renderEnvironment, toYaml } from "../render.ts";
import { validateDocument } from "../validation/validate.ts";
import { prometheusRule, type PrometheusAlertRule } from "./prometheus-rule.ts";

const env = environment("production");

/** The rendered file read back from YAML, as Prometheus would load it. */
function renderedRules(): PrometheusAlertRule[] {
  const file = renderEnvironment("production", { version: "1.0.0" }).find((f) => f.file === "60-alert-rules.yaml");
  if (!file) throw new Error("no alert rules file rendered");
  const docs = parseAllDocuments(toYaml(file)).map((d) => d.toJS() as ReturnType<typeof prometheusRule>);
  return docs.flatMap((d) => d.spec.groups.flatMap((g) => g.rules));
}

/** PromQL syntax errors as Prometheus' own grammar (lezer-promql) reports them. */
function syntaxErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`at ${node.from}: ${expr.slice(Math.max(0, node.from - 20), node.to + 20)}`);
    },
  });
  return errors;
}

describe("PrometheusRule", () => {
  it("holds exactly the local rules: same name, expression, for: and labels", () => {
    const local = alertRules().map((r) => ({
      alert: r.alertname,
      expr: r.expr,
      ...(r.forMs > 0 ? { for: durationText(r.forMs) } : {}),
      labels: { severity: r.severity, ...r.labels },
      annotations: { summary: r.summary },
    }));
    expect(renderedRules()).toEqual(local);
  });

  it("has a page for 1h/5m at 14.4x and 6h/30m at 6x, and a ticket for 3d/6h at 1x, per journey", () => {
    const burn = renderedRules().filter((r) => r.alert === "ErrorBudgetBurn");
    expect(burn.map((r) => `${r.labels.journey} ${r.labels.window} ${r.labels.severity}`)).toEqual([
      "browse 1h page",
      "browse 6h page",
      "browse 3d ticket",
      "checkout 1h page",
      "checkout 6h page",
      "checkout 3d ticket",
      "vendor-stock 1h page",
      "vendor-stock 6h page",
      "vendor-stock 3d ticket",
    ]);
    const checkoutFast = burn.find((r) => r.labels.journey === "checkout" && r.labels.window === "1h")?.expr ?? "";
    expect(checkoutFast).toMatch(/\[1h\]\)\)\) > \(14\.4 \* 0\.001\)\nand\n.*\[5m\]\)\)\) > \(14\.4 \* 0\.001\)$/s);
  });

  it("writes only expressions that parse as PromQL", () => {
    for (const r of renderedRules()) expect(syntaxErrors(r.expr), r.alert).toEqual([]);
  });

  it("validates against the Prometheus Operator's schema", () => {
    expect(validateDocument(prometheusRule(env))).toEqual([]);
  });
});
