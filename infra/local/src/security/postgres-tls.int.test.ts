/**
 * Encryption in transit to Postgres, against the test topology: every TCP connection (the apps'
 * pools, the replicas' streams) is TLS 1.3 verified against the topology's CA; a connection
 * without TLS is refused, and so is one that trusts another CA; the members' certificates rotate
 * while connections stay open.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { databaseUrl, memberUrl, secrets, topology } from "../topology.ts";
import { ensureCa } from "./pki.ts";
import { rotatePostgresCerts } from "./postgres-tls.ts";
import { peerCertificate } from "./tls-probe.ts";

const t = topology("test");
const clients: pg.Client[] = [];
const scratch = mkdtempSync(join(tmpdir(), "agora-tls-"));

async function open(connectionString: string, extra: pg.ClientConfig = {}): Promise<pg.Client> {
  const c = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000, ...extra });
  c.on("error", () => {});
  await c.connect();
  clients.push(c);
  return c;
}

async function refusal(config: pg.ClientConfig): Promise<string> {
  const c = new pg.Client({ connectionTimeoutMillis: 5_000, ...config });
  c.on("error", () => {});
  try {
    await c.connect();
    return "connected";
  } catch (err) {
    return (err as Error).message;
  } finally {
    await c.end().catch(() => {});
  }
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
  rmSync(scratch, { recursive: true, force: true });
});

describe("Postgres over TLS", () => {
  it("carries every TCP connection of every cluster over TLS 1.3, replication included", async () => {
    for (const c of t.clusters) {
      const app = await open(databaseUrl(t, c.name, "rw"));
      const admin = await open(
        databaseUrl(t, c.name, "rw", { as: "superuser", database: "postgres" }),
      );
      const { rows } = await admin.query<{
        backend_type: string;
        ssl: boolean;
        version: string | null;
      }>(
        `SELECT a.backend_type, s.ssl, s.version
           FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
          WHERE a.client_addr IS NOT NULL`,
      );
      expect(
        rows.filter((r) => !r.ssl),
        `${c.name}: connections without TLS`,
      ).toEqual([]);
      expect(new Set(rows.map((r) => r.version))).toEqual(new Set(["TLSv1.3"]));
      // The app's own session and a replica's WAL stream are among them.
      expect(rows.some((r) => r.backend_type === "client backend")).toBe(true);
      expect(
        rows.some((r) => r.backend_type === "walsender"),
        `${c.name}: a replica streams`,
      ).toBe(true);
      expect(
        (
          await app.query<{ ssl: boolean }>(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
          )
        ).rows[0]?.ssl,
      ).toBe(true);
    }
  });

  it("refuses a connection without TLS, and one that trusts another CA", async () => {
    const m = t.clusters[0]!.nodes[0]!;
    const plain = await refusal({
      host: t.host,
      port: m.pgPort,
      user: t.postgres.superuser,
      password: secrets(t).superuserPassword,
      database: "postgres",
      ssl: false,
    });
    expect(plain).toMatch(/no pg_hba\.conf entry .* no encryption/);
    const stranger = ensureCa(scratch, "a stranger");
    const url = memberUrl(t, m).replace(
      encodeURIComponent(t.pki.caCert),
      encodeURIComponent(stranger.caCert),
    );
    expect(await refusal({ connectionString: url })).toMatch(/certificate/i);
  });

  it("rotates the members' certificates without dropping an open connection", async () => {
    const m = t.clusters[0]!.nodes[0]!;
    const held = await open(memberUrl(t, m));
    const before = await peerCertificate(t.host, m.pgPort, { protocol: "postgres" });
    expect(before.protocol).toBe("TLSv1.3");
    // Issued by the topology's CA: openssl verifies the presented chain against it.
    const { certificates, reloaded } = await rotatePostgresCerts(t);
    expect(reloaded).toContain(m.name);
    const after = await peerCertificate(t.host, m.pgPort, { protocol: "postgres" });
    const issued = certificates.find((c) => c.member === m.name)!;
    expect(after.serial).not.toBe(before.serial);
    expect(after.serial).toBe(issued.serial);
    expect(after.notAfter.getTime()).toBe(issued.notAfter.getTime());
    // The connection opened before the rotation still works; a new verified one does too.
    expect((await held.query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one).toBe(1);
    expect(
      (await (await open(memberUrl(t, m))).query<{ one: number }>("SELECT 1 AS one")).rows[0]?.one,
    ).toBe(1);
    const chain = execFileSync(
      "openssl",
      ["verify", "-CAfile", t.pki.caCert, join(t.pki.dir, `postgres-${m.name}.crt`)],
      {
        encoding: "utf8",
      },
    );
    expect(chain).toContain(": OK");
  });
});
