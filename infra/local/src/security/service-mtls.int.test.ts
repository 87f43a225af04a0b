/**
 * Mutual TLS between Agora's own processes, against the test topology: the telemetry collector
 * (started here as `npm start` runs it) answers trace and log queries only on its query port,
 * only over TLS 1.3, only to a client presenting a certificate of the state folder's CA, and only
 * to a service identity that is a reader; its plain ingest port serves no reads. The payment
 * simulator (started here too) serves its server API only over mutual TLS, its plain port only the
 * browser's card step and the probes. (The inventory gRPC service's refusal:
 * apps/workers/src/inventory/inventory-rpc.int.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serviceByName, startServices } from "../apps.ts";
import { processEnv } from "../env/process-env.ts";
import { isAlive, isOurs, readRegistry, removeRecord } from "../processes/registry.ts";
import { httpGet, httpPatch } from "../processes/wait.ts";
import { patroniTlsFiles } from "./tls-files.ts";
import { topology } from "../topology.ts";
import { ensureCa, issueServerCert } from "./pki.ts";
import { serviceIdentityFiles, type ServiceIdentity } from "./service-identity.ts";
import { internalTlsEndpoints } from "./internal-tls.ts";
import { peerCertificate } from "./tls-probe.ts";

const t = topology("test");
const scratch = mkdtempSync(join(tmpdir(), "agora-service-mtls-"));
const readToken = processEnv(t, "test-runner").AGORA_TELEMETRY_READ_TOKEN!;
const ca = readFileSync(t.pki.caCert);
const pair = (s: ServiceIdentity) => {
  const f = serviceIdentityFiles(t, s);
  return { cert: readFileSync(f.cert), key: readFileSync(f.key) };
};

const STARTED = ["telemetry-collector", "payment-sim"] as const;

beforeAll(async () => {
  const specs = STARTED.map((name) => {
    const spec = serviceByName(t, name);
    if (!spec) throw new Error(`no ${name} service in the topology`);
    return spec;
  });
  await startServices(t, specs);
}, 120_000);

afterAll(async () => {
  for (const name of STARTED) {
    const rec = readRegistry(t.pidFile).find((r) => r.name === name);
    if (rec && isOurs(rec)) {
      process.kill(rec.pid, "SIGTERM");
      for (let i = 0; i < 50 && isAlive(rec.pid); i++) await sleep(100);
    }
    removeRecord(t.pidFile, name);
  }
  rmSync(scratch, { recursive: true, force: true });
});

/** A GET over HTTPS on `port`: the status, or why no answer came. */
function httpsGet(
  port: number,
  path: string,
  tls: { cert?: Buffer; key?: Buffer; ca?: Buffer },
  token: string,
): Promise<string> {
  return new Promise((resolve) => {
    const req = httpsRequest(
      {
        host: t.host,
        port,
        path,
        ca,
        ...tls,
        headers: { authorization: `Bearer ${token}` },
        timeout: 3_000,
      },
      (res) => {
        res.resume();
        resolve(`HTTP ${res.statusCode}`);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (err) => resolve(`refused: ${err.message}`));
    req.end();
  });
}

/** GET on the collector's query port. */
const query = (path: string, tls: { cert?: Buffer; key?: Buffer; ca?: Buffer } = {}) =>
  httpsGet(t.apps.telemetryQuery, path, tls, readToken);

describe("the telemetry collector's query API (mutual TLS)", () => {
  it("serves a reader presenting its service certificate, over TLS 1.3", async () => {
    expect(await query("/api/services", pair("test-runner"))).toBe("HTTP 200");
    expect(await query("/api/services", pair("ops-console"))).toBe("HTTP 200");
    const p = await peerCertificate(t.host, t.apps.telemetryQuery, {
      client: serviceIdentityFiles(t, "ops-console"),
    });
    expect(p.protocol).toBe("TLSv1.3");
    expect(p.subject).toBe("telemetry-collector");
  });

  it("refuses a client without a certificate, and one whose certificate another CA issued", async () => {
    expect(await query("/api/services")).toMatch(/^refused/);
    const strangerPki = ensureCa(scratch, "a stranger");
    const stranger = issueServerCert(strangerPki, "ops-console", { usage: "client" });
    expect(
      await query("/api/services", { cert: readFileSync(stranger.cert), key: readFileSync(stranger.key) }),
    ).toMatch(/^refused/);
  });

  it("answers 403 to a service of the CA that is no reader (a shipper cannot read what others shipped)", async () => {
    expect(await query("/api/services", pair("workers"))).toBe("HTTP 403");
  });

  it("serves no reads on the plain ingest port", async () => {
    const status = await new Promise<string>((resolve) => {
      const req = httpRequest(
        {
          host: t.host,
          port: t.apps.telemetryCollector,
          path: "/api/services",
          headers: { authorization: `Bearer ${readToken}` },
          timeout: 3_000,
        },
        (res) => {
          res.resume();
          resolve(`HTTP ${res.statusCode}`);
        },
      );
      req.on("error", (err) => resolve(err.message));
      req.end();
    });
    expect(status).toBe("HTTP 404");
  });

  it("is on the console's certificate list with every inventory instance and the simulator's API", () => {
    const mutual = internalTlsEndpoints(t).filter((e) => e.kind === "service");
    expect(mutual.map((e) => e.port).sort()).toEqual(
      [...t.apps.inventory, t.apps.telemetryQuery, t.apps.paymentSimTls].sort(),
    );
    expect(mutual.every((e) => e.mutual)).toBe(true);
  });
});

describe("the payment simulator's server API (mutual TLS)", () => {
  const env = processEnv(t, "test-runner");
  const admin = env.AGORA_PAYMENT_SIM_ADMIN_TOKEN!;

  it("serves the API over TLS 1.3 to a caller presenting its service certificate, and refuses one without", async () => {
    expect(await httpsGet(t.apps.paymentSimTls, "/admin/faults", pair("workers"), admin)).toBe("HTTP 200");
    expect(await httpsGet(t.apps.paymentSimTls, "/admin/faults", {}, admin)).toMatch(/^refused/);
    const p = await peerCertificate(t.host, t.apps.paymentSimTls, { client: serviceIdentityFiles(t, "workers") });
    expect(p).toMatchObject({ protocol: "TLSv1.3", subject: "payment-sim" });
  });

  it("keeps only the browser's card step and the probes on its plain port", async () => {
    const plain = (path: string, init: RequestInit = {}) =>
      fetch(`http://${t.host}:${t.apps.paymentSim}${path}`, { ...init, signal: AbortSignal.timeout(5_000) });
    expect((await plain("/healthz")).status).toBe(200);
    const api = await plain("/admin/faults", { headers: { authorization: `Bearer ${admin}` } });
    expect(api.status).toBe(403);
    expect(await api.json()).toMatchObject({ code: "mutual_tls_required" });
    const card = await plain("/v1/payment-methods", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ card: { number: "4242424242424242", expMonth: 12, expYear: 2099, cvc: "123" } }),
    });
    expect(card.status).toBe(201);
  });
});

describe("Patroni's REST API: client certificates for the calls that change state", () => {
  const member = t.clusters[0]!.nodes[0]!;
  const url = (path: string) => `https://${t.host}:${member.restPort}${path}`;
  const files = patroniTlsFiles(member);

  it("refuses an unsafe method without a client certificate, serves it with the admin pair, and GETs need none", async () => {
    // The TTL it already has: a patch that changes nothing in the cluster's configuration.
    const config = await httpGet(url("/config"), 3_000, { ca: files.ca });
    const { ttl } = JSON.parse(config.body) as { ttl: number };
    const without = await httpPatch(url("/config"), { ttl }, 3_000, { ca: files.ca });
    expect(without.status).toBe(403);
    expect(without.body).toContain("client certificate required");
    const withAdmin = await httpPatch(url("/config"), { ttl }, 3_000, { ca: files.ca, ...files.admin });
    expect(withAdmin.status).toBe(200);
    expect((await httpGet(url("/patroni"), 3_000, { ca: files.ca })).status).toBe(200);
  });
});
