/**
 * The v2 client against a real single-member etcd over mutual TLS, started by this file on ports
 * 23501–23502 with a temporary data folder and CA, stopped afterwards (also when a test fails).
 *
 * Named `*.etcd.test.ts`, not `*.int.test.ts`: the integration project's global setup starts the
 * whole test topology, which this file does not need. It runs in the unit project and needs only
 * the etcd binary (`AGORA_ETCD_BIN`, default /usr/bin/etcd, Debian's etcd-server).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tail } from "../processes/wait.ts";
import { ensureCa, issueServerCert } from "../security/pki.ts";
import { EtcdUnavailableError, EtcdV2Client, type EtcdV2Tls, patroniLeaderKey } from "./etcd-v2.ts";

const ETCD_BIN = process.env.AGORA_ETCD_BIN ?? "/usr/bin/etcd";
const HOST = "127.0.0.1";
const REFUSED_PORT = 23500;
const CLIENT_PORT = 23501;
const PEER_PORT = 23502;
/** Accepts connections and never answers: a member frozen or cut off mid-request. */
const SILENT_PORT = 23503;
const ENDPOINT = `https://${HOST}:${CLIENT_PORT}`;

describe.skipIf(!existsSync(ETCD_BIN))(`etcd v2 client against a real etcd (${ETCD_BIN})`, () => {
  let scratch: string | undefined;
  let logFile: string;
  let etcd: ChildProcess | undefined;
  let silent: Server | undefined;
  const held: Socket[] = [];
  let tls: EtcdV2Tls;
  let client: EtcdV2Client;
  const killOnExit = () => etcd?.kill("SIGKILL");

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), "agora-etcd-v2-"));
    logFile = join(scratch, "etcd.log");
    const pki = ensureCa(scratch, "etcd v2 test");
    const server = issueServerCert(pki, "etcd-1", { usage: "server" });
    const clientPair = issueServerCert(pki, "etcd-client", {
      usage: "client",
      ips: [],
      dns: ["etcd-client"],
    });
    tls = { ca: pki.caCert, cert: clientPair.cert, key: clientPair.key };
    const log = openSync(logFile, "a");
    // prettier-ignore
    etcd = spawn(ETCD_BIN, [
      "--name", "etcd-v2-test",
      "--data-dir", join(scratch, "data"),
      "--listen-client-urls", ENDPOINT,
      "--advertise-client-urls", ENDPOINT,
      "--listen-peer-urls", `http://${HOST}:${PEER_PORT}`,
      "--initial-advertise-peer-urls", `http://${HOST}:${PEER_PORT}`,
      "--initial-cluster", `etcd-v2-test=http://${HOST}:${PEER_PORT}`,
      "--cert-file", server.cert,
      "--key-file", server.key,
      "--trusted-ca-file", pki.caCert,
      "--client-cert-auth",
      "--enable-v2=true",
    ], { stdio: ["ignore", log, log] });
    process.once("exit", killOnExit);
    silent = createServer((s) => held.push(s));
    await new Promise<void>((resolve) => silent!.listen(SILENT_PORT, HOST, resolve));
    client = new EtcdV2Client({ endpoints: [ENDPOINT], tls, timeoutMs: 1_000 });
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (etcd.exitCode !== null)
        throw new Error(`etcd exited with ${etcd.exitCode}:\n${tail(logFile)}`);
      try {
        await client.get("/ready", { quorum: true });
        break;
      } catch (err) {
        if (!(err instanceof EtcdUnavailableError)) throw err;
        if (Date.now() > deadline)
          throw new Error(`etcd not ready after 20 s (${err.message}):\n${tail(logFile)}`);
      }
      await sleep(200);
    }
  }, 30_000);

  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise<void>((resolve) => (silent ? silent.close(() => resolve()) : resolve()));
    if (etcd && etcd.exitCode === null) {
      const exited = new Promise((resolve) => etcd!.once("exit", resolve));
      etcd.kill("SIGTERM");
      const killer = setTimeout(() => etcd!.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    }
    process.removeListener("exit", killOnExit);
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }, 15_000);

  it("creates an absent key once: true, then false while it exists", async () => {
    const key = patroniLeaderKey("/agora-etcd-v2/", "create-once");
    expect(key).toBe("/agora-etcd-v2/create-once/leader");
    expect(await client.createIfAbsent(key, "region-us:1")).toBe(true);
    expect(await client.createIfAbsent(key, "region-us:2")).toBe(false);
    expect(await client.get(key, { quorum: true })).toMatchObject({
      value: "region-us:1",
      ttl: null,
    });
  });

  it("reads a key with its TTL through the quorum, and null for an absent key", async () => {
    const key = "/agora-etcd-v2/quorum/leader";
    const written = await client.set(key, "core-eu-1", { ttlSeconds: 30 });
    const read = await client.get(key, { quorum: true });
    expect(read).toMatchObject({ value: "core-eu-1", modifiedIndex: written.modifiedIndex });
    expect(read!.ttl).toBeGreaterThan(0);
    expect(read!.ttl).toBeLessThanOrEqual(30);
    expect(await client.get("/agora-etcd-v2/quorum/nobody", { quorum: true })).toBeNull();
  });

  it("creates the key once a leader's TTL lock has expired", async () => {
    const key = "/agora-etcd-v2/expiry/leader";
    await client.set(key, "core-eu-1", { ttlSeconds: 1 });
    expect(await client.createIfAbsent(key, "region-us:fence")).toBe(false);
    const deadline = Date.now() + 10_000;
    while ((await client.get(key, { quorum: true })) !== null) {
      if (Date.now() > deadline) throw new Error("a 1 s TTL key still there after 10 s");
      await sleep(250);
    }
    expect(await client.createIfAbsent(key, "region-us:fence")).toBe(true);
    expect(await client.get(key, { quorum: true })).toMatchObject({
      value: "region-us:fence",
      ttl: null,
    });
  });

  it("deletes only when the value is the expected one", async () => {
    const key = "/agora-etcd-v2/cad/leader";
    await client.createIfAbsent(key, "region-us:fence");
    expect(await client.compareAndDelete(key, "core-eu-1")).toBe(false);
    expect(await client.get(key, { quorum: true })).toMatchObject({ value: "region-us:fence" });
    expect(await client.compareAndDelete(key, "region-us:fence")).toBe(true);
    expect(await client.get(key, { quorum: true })).toBeNull();
    expect(await client.compareAndDelete(key, "region-us:fence")).toBe(false);
  });

  it("moves on to the next endpoint after a refused connection and a silent member", async () => {
    const failover = new EtcdV2Client({
      endpoints: [`https://${HOST}:${REFUSED_PORT}`, `https://${HOST}:${SILENT_PORT}`, ENDPOINT],
      tls,
      timeoutMs: 500,
    });
    const heldBefore = held.length;
    expect(await failover.createIfAbsent("/agora-etcd-v2/failover/leader", "region-us:fence")).toBe(
      true,
    );
    // The silent member was tried (and given up on) on the way.
    expect(held.length).toBe(heldBefore + 1);
    // The endpoint that answered is tried first from then on: the silent one is not dialled again.
    expect(await failover.get("/agora-etcd-v2/failover/leader", { quorum: true })).toMatchObject({
      value: "region-us:fence",
    });
    expect(held.length).toBe(heldBefore + 1);
  });

  it("reports every endpoint's failure when none answers", async () => {
    const down = new EtcdV2Client({
      endpoints: [`https://${HOST}:${REFUSED_PORT}`, `https://${HOST}:${SILENT_PORT}`],
      tls,
      timeoutMs: 1_000,
    });
    const err = await down.get("/agora-etcd-v2/any", { quorum: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EtcdUnavailableError);
    // A refusal is immediate, but on a saturated box the timer may fire before the event loop sees it.
    expect((err as EtcdUnavailableError).failures.map((f) => f.reason)).toEqual([
      expect.stringMatching(/ECONNREFUSED|timed out after 1000 ms/),
      expect.stringMatching(/timed out after 1000 ms/),
    ]);
  });
});
