import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pgTls, verifiedTls } from "./tls-context.ts";

const dir = mkdtempSync(join(tmpdir(), "agora-pg-tls-"));
const caFile = join(dir, "ca dir", "ca.crt");
mkdirSync(join(dir, "ca dir"));
function newCa(): void {
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
      "-subj", "/CN=test CA", "-keyout", join(dir, "ca.key"), "-out", caFile],
    { stdio: "ignore" },
  );
}
newCa();
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const url = (query: string) => `postgresql://agora:p%40ss@127.0.0.1:25432/agora?${query}`;

describe("pgTls", () => {
  it("takes sslmode=verify-full and sslrootcert out of the URL and names the CA file", () => {
    const q = `sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}&application_name=x`;
    expect(pgTls(url(q))).toEqual({ connectionString: url("application_name=x"), caFile });
  });

  it("leaves every other URL to node-postgres as it is", () => {
    for (const q of [
      "sslmode=require",
      "sslmode=disable",
      `sslmode=verify-ca&sslrootcert=${encodeURIComponent(caFile)}`,
      "sslmode=verify-full",
      `sslmode=verify-full&sslrootcert=${encodeURIComponent(caFile)}&sslcert=%2Fc.crt&sslkey=%2Fc.key`,
      "",
    ])
      expect(pgTls(url(q))).toEqual({ connectionString: url(q) });
  });
});

describe("verifiedTls", () => {
  it("gives every connection the same context until the CA file changes, and verifies", () => {
    const a = verifiedTls(caFile);
    expect(a.rejectUnauthorized).toBe(true);
    expect(verifiedTls(caFile).secureContext).toBe(a.secureContext);
    newCa();
    const later = new Date(Date.now() + 5000);
    utimesSync(caFile, later, later);
    expect(verifiedTls(caFile).secureContext).not.toBe(a.secureContext);
  });

  it("throws when the CA file is missing, as node-postgres' own read does", () => {
    expect(() => verifiedTls(join(dir, "nowhere.crt"))).toThrow(/ENOENT/);
  });
});
