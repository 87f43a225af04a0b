import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { redisTls } from "./index.ts";

const dir = mkdtempSync(join(tmpdir(), "agora-redis-tls-"));
const files = { ca: join(dir, "ca.crt"), cert: join(dir, "client.crt"), key: join(dir, "client.key") };
writeFileSync(files.ca, "ca");
writeFileSync(files.cert, "cert v1");
writeFileSync(files.key, "key v1");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What ioredis hands to `tls.connect` for one connection: the options copied with Object.assign. */
const connectOptions = (tls: object) => Object.assign({}, tls) as Record<string, unknown>;

describe("redisTls", () => {
  it("presents the client pair on every connection, re-read so a rotated pair is used by the next one", () => {
    const tls = redisTls(files.ca, { cert: files.cert, key: files.key })!;
    const first = connectOptions(tls);
    expect([String(first.cert), String(first.key), first.minVersion]).toEqual(["cert v1", "key v1", "TLSv1.3"]);
    writeFileSync(files.cert, "cert v2");
    writeFileSync(files.key, "key v2");
    const next = connectOptions(tls);
    expect([String(next.cert), String(next.key)]).toEqual(["cert v2", "key v2"]);
  });

  it("verifies the servers without presenting a certificate when no pair is given, and is off without a CA", () => {
    expect(Object.keys(connectOptions(redisTls(files.ca)!)).sort()).toEqual(["ca", "minVersion"]);
    expect(redisTls(undefined, { cert: files.cert, key: files.key })).toBeUndefined();
  });
});
