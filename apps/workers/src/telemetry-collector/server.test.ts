/** The collector's two tokens: shippers may only write, the console may only read (no topology needed). */
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCollectorServer } from "./server.ts";
import type { StoredLog, StoredSpan } from "./otlp.ts";
import type { TelemetryStore } from "./store.ts";

const INGEST = "ingest-token-of-this-test-0123456789abcdef";
const READ = "read-token-of-this-test-0123456789abcdefgh";
const spans: StoredSpan[] = [];
const logs: StoredLog[] = [];
const store: TelemetryStore = {
  addSpans: async (s) => void spans.push(...s),
  addLogs: async (l) => void logs.push(...l),
  searchTraces: async () => [],
  getTrace: async () => spans,
  searchLogs: async () => logs,
  services: async () => ["s"],
  trim: async () => undefined,
};
const server = createCollectorServer(store, {}, { ingest: INGEST, read: READ });
let base = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const logsBody = JSON.stringify({
  resourceLogs: [
    {
      resource: { attributes: [{ key: "service.name", value: { stringValue: "s" } }] },
      scopeLogs: [
        { logRecords: [{ timeUnixNano: "1", body: { stringValue: "invitation token x" } }] },
      ],
    },
  ],
});
const post = (path: string, token?: string) =>
  fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: path === "/v1/logs" ? logsBody : JSON.stringify({ resourceSpans: [] }),
  });
const get = (path: string, token?: string) =>
  fetch(`${base}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

describe("telemetry collector tokens", () => {
  it("refuses spans and log lines without the ingest token (and with the read token)", async () => {
    for (const token of [undefined, READ, "x".repeat(40)]) {
      const res = await post("/v1/logs", token);
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe("Bearer");
      expect((await post("/v1/traces", token)).status).toBe(401);
    }
    expect(logs).toHaveLength(0);
    expect((await post("/v1/logs", INGEST)).status).toBe(200);
    expect(logs).toHaveLength(1);
  });

  it("serves traces, logs and services only with the read token (not the ingest token)", async () => {
    for (const path of [
      "/api/traces",
      `/api/traces/${"a".repeat(32)}`,
      "/api/logs",
      "/api/services",
    ]) {
      for (const token of [undefined, INGEST]) expect((await get(path, token)).status).toBe(401);
      expect((await get(path, READ)).status).toBe(200);
    }
  });

  it("keeps its health probes open", async () => {
    expect((await get("/healthz")).status).toBe(200);
  });
});
