/**
 * HTTPS at the HAProxy frontends (the apps' public entry), against the test topology: each app's
 * frontend answers on its HTTPS port over TLS 1.3 only, with a certificate the state folder's CA
 * issued for 127.0.0.1/localhost, and applies the same edge rules as on its plain port; the
 * certificate is swapped through the runtime API without dropping an open connection. (What the
 * plain port does per profile: config/haproxy.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { Agent, request as httpsRequest } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";
import { afterAll, describe, expect, it } from "vitest";
import { topology } from "../topology.ts";
import { rotateEdgeCert } from "./internal-tls.ts";
import { ensureCa } from "./pki.ts";
import { peerCertificate } from "./tls-probe.ts";

const t = topology("test");
const ca = readFileSync(t.pki.caCert);
const scratch = mkdtempSync(join(tmpdir(), "agora-edge-https-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const frontends = [
  ["gateway", t.apps.gatewayHttps],
  ["vendor portal", t.apps.vendorPortalGatewayHttps],
  ["ops console", t.apps.opsConsoleGatewayHttps],
] as const;

/** One HTTPS GET, verified against the CA with the host name checked: status and TLS version. */
function get(
  port: number,
  path: string,
  opts: { host?: string; agent?: Agent } = {},
): Promise<{ status: number; protocol: string | null; serial: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: opts.host ?? t.host, port, path, ca, agent: opts.agent, timeout: 5_000 },
      (res) => {
        res.resume();
        const socket = res.socket as import("node:tls").TLSSocket;
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            protocol: socket.getProtocol(),
            serial: socket.getPeerCertificate().serialNumber.toLowerCase().replace(/^0+/, ""),
          }),
        );
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
    req.end();
  });
}

describe("HTTPS at the HAProxy frontends", () => {
  it("answers every app's frontend over TLS 1.3 with a certificate of the CA, for 127.0.0.1 and localhost, with the edge's rules", async () => {
    for (const [name, port] of frontends) {
      // The edge refuses the apps' metrics path itself: an answer from HAProxy, over HTTPS.
      const r = await get(port, "/api/metrics");
      expect(r, name).toMatchObject({ status: 404, protocol: "TLSv1.3" });
      expect((await get(port, "/api/metrics", { host: "localhost" })).status, name).toBe(404);
    }
  });

  it("refuses TLS 1.2 and a client that does not trust the CA", async () => {
    const attempt = (opts: object) =>
      new Promise<string>((resolve) => {
        const s = tlsConnect({ host: t.host, port: t.apps.gatewayHttps, ...opts });
        s.once("secureConnect", () => {
          resolve(`connected ${s.getProtocol()}`);
          s.destroy();
        });
        s.once("error", (err) => resolve(err.message));
      });
    expect(await attempt({ ca, maxVersion: "TLSv1.2" })).toMatch(/version|alert/i);
    // Trusting only another CA (this process may trust ours through NODE_EXTRA_CA_CERTS).
    expect(await attempt({ ca: readFileSync(ensureCa(scratch, "a stranger").caCert) })).toMatch(
      /self.signed|unable to verify|issuer/i,
    );
    expect(await attempt({ ca })).toBe("connected TLSv1.3");
  });

  it("swaps its certificate without a reload: new handshakes get the new one, an open connection keeps working", async () => {
    const before = await peerCertificate(t.host, t.apps.gatewayHttps);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const open = await get(t.apps.gatewayHttps, "/api/metrics", { agent });
      expect(open.serial).toBe(before.serial);
      const { certificate, reloaded } = await rotateEdgeCert(t);
      expect(reloaded).toEqual(t.haproxyInstances.map((i) => `edge ${i.name}`));
      expect(certificate.serial).not.toBe(before.serial);
      // Every instance serves the new one (the kernel spreads handshakes over both).
      for (let i = 0; i < 6; i++)
        expect((await peerCertificate(t.host, t.apps.gatewayHttps)).serial).toBe(certificate.serial);
      // The kept-alive connection was not dropped: the same socket still answers, with the old pair.
      const again = await get(t.apps.gatewayHttps, "/api/metrics", { agent });
      expect(again).toMatchObject({ status: 404, serial: before.serial });
    } finally {
      agent.destroy();
    }
  });
});
