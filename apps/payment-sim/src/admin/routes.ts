/**
 * Operator and test routes, never faulted: health, metrics, fault injection (chaos controls)
 * and the capture ledger (the "one capture per order" invariant). Faults and the ledger take the
 * admin token (`Authorization: Bearer …`).
 */
import { z } from "zod";
import { faultConfigSchema, payswiftFaultConfigSchema, type FaultInjector } from "../faults.ts";
import { parseWith } from "../http/errors.ts";
import type { Route } from "../http/router.ts";
import type { Metrics } from "../metrics.ts";
import type { PaymentService } from "../payments/service.ts";
import type { SimStore } from "../store.ts";

const ledgerQuerySchema = z.strictObject({ orderId: z.string().min(1).max(200).optional() });

export interface AdminDeps {
  faults: FaultInjector;
  /** PaySwift's own knobs and books, under `/admin/payswift/…`. */
  payswiftFaults: FaultInjector;
  payswift: PaymentService;
  payswiftStore: SimStore;
  payments: PaymentService;
  metrics: Metrics;
  store: SimStore;
  isReady: () => boolean;
}

export function adminRoutes(d: AdminDeps): Route[] {
  // Probes (health, metrics) are open; faults and the ledger need the admin token.
  const open = (r: Omit<Route, "scope" | "idempotent" | "auth">): Route => ({
    ...r,
    scope: null,
    idempotent: false,
    auth: null,
  });
  const admin = (r: Omit<Route, "scope" | "idempotent" | "auth">): Route => ({ ...open(r), auth: "admin" });
  return [
    open({
      method: "GET",
      pattern: "/healthz",
      handle: () => ({ status: 200, body: { status: "ok" } }),
    }),
    open({
      method: "GET",
      pattern: "/readyz",
      handle: () =>
        d.isReady()
          ? { status: 200, body: { status: "ready", faults: d.faults.current } }
          : { status: 503, body: { status: "not_ready" } },
    }),
    open({
      method: "GET",
      pattern: "/metrics",
      handle() {
        const entries = d.store.ledger.entries();
        const captures = entries.filter((e) => e.type === "capture");
        const text = d.metrics.render({
          captures: captures.length,
          capturedCents: captures.reduce((sum, e) => sum + e.amountCents, 0),
          refunds: entries.length - captures.length,
          faults: d.faults.current,
        });
        return {
          status: 200,
          body: text,
          headers: { "content-type": "text/plain; version=0.0.4; charset=utf-8" },
        };
      },
    }),
    admin({
      method: "GET",
      pattern: "/admin/faults",
      handle: () => ({ status: 200, body: d.faults.current }),
    }),
    admin({
      method: "PUT",
      pattern: "/admin/faults",
      handle({ body }) {
        // PUT replaces the whole fault set: omitted fields fall back to "no fault".
        d.faults.set(parseWith(faultConfigSchema, body));
        return { status: 200, body: d.faults.current };
      },
    }),
    admin({
      method: "DELETE",
      pattern: "/admin/faults",
      handle() {
        d.faults.reset();
        return { status: 200, body: d.faults.current };
      },
    }),
    admin({
      method: "GET",
      pattern: "/admin/payswift/faults",
      handle: () => ({ status: 200, body: d.payswiftFaults.current }),
    }),
    admin({
      method: "PUT",
      pattern: "/admin/payswift/faults",
      handle({ body }) {
        d.payswiftFaults.set(parseWith(payswiftFaultConfigSchema, body));
        return { status: 200, body: d.payswiftFaults.current };
      },
    }),
    admin({
      method: "DELETE",
      pattern: "/admin/payswift/faults",
      handle() {
        d.payswiftFaults.reset();
        return { status: 200, body: d.payswiftFaults.current };
      },
    }),
    admin({
      method: "GET",
      pattern: "/admin/payswift/ledger",
      handle({ query }) {
        const { orderId } = parseWith(ledgerQuerySchema, Object.fromEntries(query), "query");
        const entries = d.payswiftStore.ledger
          .entries()
          .filter((e) => orderId === undefined || e.orderId === orderId);
        return { status: 200, body: { orders: d.payswift.captureSummary(orderId), entries } };
      },
    }),
    admin({
      method: "GET",
      pattern: "/admin/ledger",
      handle({ query }) {
        const { orderId } = parseWith(ledgerQuerySchema, Object.fromEntries(query), "query");
        const entries = d.store.ledger
          .entries()
          .filter((e) => orderId === undefined || e.orderId === orderId);
        return { status: 200, body: { orders: d.payments.captureSummary(orderId), entries } };
      },
    }),
  ];
}
