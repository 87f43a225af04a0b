/**
 * Encryption in transit beyond Postgres, proved without tcpdump against the test topology: Redis
 * and the Sentinels have no plaintext port and refuse a plaintext client, and a TLS client without
 * a certificate of the CA even when it knows the password; replication and the Sentinels' links
 * run over TLS, and the product's Redis clients speak TLS verified against the CA, presenting
 * their service identity; etcd answers only https with a client certificate, on its client and
 * peer ports; Patroni's REST API answers only https and HAProxy checks it that way. Rotation gives
 * every server a new certificate while open connections keep working, and the rotated Redis pairs
 * still serve as client certificates. (Postgres: postgres-tls.int.test.ts.)
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type ConnectionOptions, connect as tlsConnect, TLSSocket } from "node:tls";
import { createRedis } from "@agora/redis";
import { registryClient } from "@agora/registry";
import { afterAll, describe, expect, it } from "vitest";
import { etcdEndpoints } from "../config/etcd.ts";
import { restartRedisNode } from "../launcher.ts";
import { haproxyServers } from "../probes/haproxy.ts";
import { patroniCluster } from "../probes/patroni.ts";
import { redisReplication, withRedis } from "../probes/redis.ts";
import { httpGet } from "../processes/wait.ts";
import { topology } from "../topology.ts";
import { rotateInternalCerts } from "./internal-tls.ts";
import { ensureCa, issueServerCert } from "./pki.ts";
import { serviceIdentityFiles } from "./service-identity.ts";
import { peerCertificate } from "./tls-probe.ts";
import { etcdClientTlsFiles, patroniTlsFiles } from "./tls-files.ts";

const t = topology("test");
const scratch = mkdtempSync(join(tmpdir(), "agora-internal-tls-"));
const ca = readFileSync(t.pki.caCert);
const strangerPki = ensureCa(scratch, "a stranger");
const stranger = readFileSync(strangerPki.caCert);
const etcdClient = etcdClientTlsFiles(t);
/** A client pair of the topology's CA (the test runner's identity) and one of another CA. */
const ours = serviceIdentityFiles(t, "test-runner");
const ourPair = { cert: readFileSync(ours.cert), key: readFileSync(ours.key) };
const strangerIssued = issueServerCert(strangerPki, "client", { usage: "client" });
const strangerPair = { cert: readFileSync(strangerIssued.cert), key: readFileSync(strangerIssued.key) };

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** What a plaintext client gets: the error or close, or the first bytes of an answer. */
function plaintext(port: number, payload: string): Promise<string> {
  return new Promise((resolve) => {
    const s = netConnect(port, t.host);
    let data = "";
    s.setTimeout(3_000, () => {
      s.destroy();
      resolve(data ? `answered: ${data}` : "no answer");
    });
    s.on("connect", () => s.write(payload));
    s.on("data", (c: Buffer) => (data += c.toString("latin1")));
    s.on("error", (err) => resolve(data ? `answered: ${data}` : err.message));
    s.on("close", () => resolve(data ? `answered: ${data}` : "closed"));
  });
}

/** A TLS handshake: the protocol agreed, or why it failed. */
function handshake(
  port: number,
  opts: { ca: Buffer; cert?: Buffer; key?: Buffer },
): Promise<{ ok: boolean; detail: string }> {
  return new Promise((resolve) => {
    const s = tlsConnect({ host: t.host, port, ...opts });
    s.setTimeout(3_000, () => {
      s.destroy();
      resolve({ ok: false, detail: "timeout" });
    });
    s.once("secureConnect", () => {
      // TLS 1.3: a server that wants a client certificate refuses it after the client's Finished,
      // so wait for the first answer (or alert) before calling it a success.
      s.write("\r\n");
      s.once("data", () => {
        resolve({ ok: true, detail: s.getProtocol() ?? "" });
        s.destroy();
      });
      setTimeout(() => {
        resolve({ ok: !s.destroyed, detail: s.getProtocol() ?? "" });
        s.destroy();
      }, 500);
    });
    s.once("error", (err) => resolve({ ok: false, detail: err.message }));
  });
}

/**
 * One PING with the topology's password over TLS with `tls` (ioredis, no retries): "PONG", or why
 * it failed. The password is the right one, so only the certificate decides.
 */
async function pingWith(port: number, tls: ConnectionOptions): Promise<string> {
  return withRedis(t, port, (r) => r.ping(), 3_000, { ...tls, minVersion: "TLSv1.3" }).catch((err: unknown) =>
    err instanceof Error ? err.message : String(err),
  );
}

const plainHttp = (port: number, path: string): Promise<string> =>
  new Promise((resolve) => {
    const req = httpRequest({ host: t.host, port, path, timeout: 3_000 }, (res) => {
      res.resume();
      resolve(`HTTP ${res.statusCode}`);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (err) => resolve(err.message));
    req.end();
  });

describe("Redis and Sentinel over TLS", () => {
  it("have no plaintext port: every node and Sentinel refuses a plaintext client", async () => {
    for (const n of [...t.redis.nodes, ...t.redis.sentinels]) {
      const answer = await plaintext(n.port, "PING\r\n");
      expect(answer, n.name).not.toMatch(/PONG|NOAUTH|^answered: [-+]/);
      expect(await withRedis(t, n.port, (r) => r.ping()), n.name).toBe("PONG");
    }
    for (const n of t.redis.nodes) {
      const cfg = await withRedis(t, n.port, async (r) => {
        const get = async (k: string) => ((await r.config("GET", k)) as string[])[1];
        return {
          port: await get("port"),
          tlsPort: await get("tls-port"),
          replication: await get("tls-replication"),
          protocols: await get("tls-protocols"),
          authClients: await get("tls-auth-clients"),
        };
      });
      expect(cfg, n.name).toEqual({
        port: "0",
        tlsPort: String(n.port),
        replication: "yes",
        protocols: "TLSv1.3",
        authClients: "yes",
      });
    }
  });

  it("refuses a client that trusts another CA", async () => {
    const r = await handshake(t.redis.nodes[0]!.port, { ca: stranger, ...ourPair });
    expect(r.ok).toBe(false);
    expect(r.detail).toMatch(/certificate/i);
    expect((await handshake(t.redis.sentinels[0]!.port, { ca, ...ourPair })).detail).toBe("TLSv1.3");
  });

  it("refuses a client with the right CA and password but no client certificate, on every node and Sentinel", async () => {
    for (const n of [...t.redis.nodes, ...t.redis.sentinels]) {
      expect(await pingWith(n.port, { ca }), n.name).not.toBe("PONG");
      expect((await handshake(n.port, { ca })).ok, `${n.name}: handshake without a certificate`).toBe(false);
      // The same client with a certificate of the CA is served: the certificate is what decided.
      expect(await pingWith(n.port, { ca, ...ourPair }), n.name).toBe("PONG");
    }
  });

  it("refuses a client certificate issued by another CA, on every node and Sentinel", async () => {
    for (const n of [...t.redis.nodes, ...t.redis.sentinels]) {
      expect(await pingWith(n.port, { ca, ...strangerPair }), n.name).not.toBe("PONG");
      expect((await handshake(n.port, { ca, ...strangerPair })).ok, n.name).toBe(false);
    }
  });

  it("replicates over TLS, and the Sentinels agree on the master over TLS", async () => {
    // With no plaintext port anywhere, a link that is up is a TLS link.
    const states = await Promise.all(
      t.redis.nodes.map((n) =>
        withRedis(t, n.port, async (r) => (await r.info("replication")).match(/master_link_status:(\w+)/)?.[1]),
      ),
    );
    expect(states).toContain("up");
    for (const s of t.redis.sentinels) {
      const known = await withRedis(t, s.port, async (r) => {
        const master = (await r.call("SENTINEL", "master", t.redis.masterName)) as string[];
        const field = (k: string) => master[master.indexOf(k) + 1];
        return { sentinels: Number(field("num-other-sentinels")), flags: field("flags") };
      });
      expect(known, s.name).toEqual({ sentinels: t.redis.sentinels.length - 1, flags: "master" });
    }
  });

  it("connects the product's clients (createRedis, through Sentinel) over verified TLS, presenting the process's identity", async () => {
    const r = createRedis({ connectionName: "internal-tls-test" });
    try {
      expect(await r.ping()).toBe("PONG");
      const stream = (r as unknown as { stream: unknown }).stream;
      expect(stream).toBeInstanceOf(TLSSocket);
      expect((stream as TLSSocket).authorized).toBe(true);
      expect((stream as TLSSocket).getProtocol()).toBe("TLSv1.3");
      // The client certificate it presented: this process's service identity (AGORA_REDIS_TLS_*).
      const presented = (stream as TLSSocket).getCertificate() as { subject?: { CN?: string } } | null;
      expect(presented?.subject?.CN).toBe("test-runner");
    } finally {
      r.disconnect();
    }
  });
});

describe("etcd over mutual TLS", () => {
  it("answers only https with a client certificate, on client and peer ports", async () => {
    const withCert = { ca, cert: readFileSync(etcdClient.cert), key: readFileSync(etcdClient.key) };
    for (const m of t.etcd) {
      expect(await plainHttp(m.clientPort, "/health"), m.name).not.toMatch(/^HTTP 200/);
      expect(await plainHttp(m.peerPort, "/members"), m.name).not.toMatch(/^HTTP 200/);
      expect((await handshake(m.clientPort, { ca })).ok, `${m.name} without a client cert`).toBe(false);
      expect((await handshake(m.peerPort, { ca })).ok, `${m.name} peer without a cert`).toBe(false);
      expect((await handshake(m.clientPort, withCert)).ok, m.name).toBe(true);
      const h = await httpGet(`https://${t.host}:${m.clientPort}/health`, 2_000, m.clientTls);
      expect(JSON.parse(h.body), m.name).toEqual(expect.objectContaining({ health: "true" }));
    }
  });

  it("serves the product's registry client (mutual TLS from the environment)", async () => {
    const client = registryClient(etcdEndpoints(t));
    try {
      const key = `${t.profile.namespace}tls-test/${Date.now()}`;
      await client.put(key).value("ok");
      expect(await client.get(key).string()).toBe("ok");
      await client.delete().key(key);
    } finally {
      client.close();
    }
  });
});

describe("Patroni REST over TLS", () => {
  it("answers only https, and HAProxy's checks of it pass with the certificate verified", async () => {
    for (const m of t.clusters.flatMap((c) => c.nodes)) {
      expect(await plainHttp(m.restPort, "/health"), m.name).not.toMatch(/^HTTP 200/);
      const r = await httpGet(`https://${t.host}:${m.restPort}/health`, 2_000, { ca: patroniTlsFiles(m).ca });
      expect(r.status, m.name).toBe(200);
    }
    // Every check completed its TLS handshake and got an HTTP answer (200, or 503 for the other
    // role). A check is re-run every second: one that timed out on a busy box gets its next try.
    const backends = new Set(t.clusters.flatMap((c) => [`${c.name}_rw`, `${c.name}_ro`]));
    let failing: string[] = [];
    for (let i = 0; i < 20; i++) {
      const dbServers = (await haproxyServers(t)).filter((s) => backends.has(s.backend));
      expect(dbServers.length).toBe(2 * t.clusters.flatMap((c) => c.nodes).length);
      failing = dbServers.filter((s) => !/^L7(OK|STS)/.test(s.checkStatus)).map((s) => `${s.backend}/${s.server}: ${s.checkStatus}`);
      if (failing.length === 0) break;
      await sleep(500);
    }
    expect(failing).toEqual([]);
    expect(readFileSync(t.haproxy.configFile, "utf8")).toMatch(/check-ssl verify required ca-file/);
  });
});

describe("rotation of the internal certificates", () => {
  it("serves new certificates on every server while open connections keep working", async () => {
    const redis = t.redis.nodes[0]!;
    const sentinel = t.redis.sentinels[0]!;
    const etcd = t.etcd[0]!;
    const member = t.clusters[0]!.nodes[0]!;
    const client = { cert: etcdClient.cert, key: etcdClient.key };
    const before = {
      redis: await peerCertificate(t.host, redis.port, { client: ours }),
      sentinel: await peerCertificate(t.host, sentinel.port, { client: ours }),
      etcd: await peerCertificate(t.host, etcd.clientPort, { client }),
      rest: await peerCertificate(t.host, member.restPort),
    };
    const held = createRedis({ connectionName: "internal-tls-rotation" });
    const heldEtcd = registryClient(etcdEndpoints(t));
    const probeKey = `${t.profile.namespace}tls-rotation-probe`;
    try {
      expect(await held.ping()).toBe("PONG");
      await heldEtcd.get(probeKey).string();
      const { certificates, reloaded } = await rotateInternalCerts(t, (name) => restartRedisNode(t, name));
      expect(reloaded).toEqual(
        expect.arrayContaining([`redis ${redis.name}`, `sentinel ${sentinel.name}`, `etcd ${etcd.name}`, `patroni-rest ${member.name}`]),
      );
      const issued = (endpoint: string) => certificates.find((c) => c.endpoint === endpoint)!.serial;
      expect((await peerCertificate(t.host, redis.port, { client: ours })).serial).toBe(issued(`redis ${redis.name}`));
      expect((await peerCertificate(t.host, sentinel.port, { client: ours })).serial).toBe(issued(`sentinel ${sentinel.name}`));
      expect((await peerCertificate(t.host, etcd.clientPort, { client })).serial).toBe(issued(`etcd ${etcd.name}`));
      // Patroni re-binds its REST server on its next loop after the SIGHUP (a handshake caught in
      // the re-bind is reset: ask again).
      const restSerial = () => peerCertificate(t.host, member.restPort).then((c) => c.serial, (err: Error) => err.message);
      let rest = await restSerial();
      for (let i = 0; i < 60 && rest !== issued(`patroni-rest ${member.name}`); i++) {
        await sleep(250);
        rest = await restSerial();
      }
      expect(rest).toBe(issued(`patroni-rest ${member.name}`));
      expect(rest).not.toBe(before.rest.serial);
      expect((await peerCertificate(t.host, redis.port, { client: ours })).serial).not.toBe(before.redis.serial);
      expect((await peerCertificate(t.host, sentinel.port, { client: ours })).serial).not.toBe(before.sentinel.serial);
      expect((await peerCertificate(t.host, etcd.clientPort, { client })).serial).not.toBe(before.etcd.serial);
      // Connections opened before the rotation still work, and the clusters still answer.
      expect(await held.ping()).toBe("PONG");
      // Rotated pairs keep client auth: a new product connection presents the re-issued identity,
      // a replica whose link is cut reconnects to its master with its new pair, and the restarted
      // Sentinel reaches the master with its own.
      const fresh = createRedis({ connectionName: "internal-tls-after-rotation" });
      try {
        expect(await fresh.ping()).toBe("PONG");
      } finally {
        fresh.disconnect();
      }
      const roles = await Promise.all(t.redis.nodes.map((n) => redisReplication(t, n.port)));
      const master = t.redis.nodes[roles.findIndex((r) => r.role === "master")]!;
      const replica = t.redis.nodes[roles.findIndex((r) => r.role === "slave")]!;
      await withRedis(t, master.port, (r) => r.call("CLIENT", "KILL", "TYPE", "replica"));
      let link = "";
      for (let i = 0; i < 40 && link !== "up"; i++) {
        await sleep(250);
        link = (await redisReplication(t, replica.port)).master_link_status ?? "";
      }
      expect(link, `${replica.name} → ${master.name} after rotation`).toBe("up");
      let lastPing = Infinity;
      for (let i = 0; i < 40 && !(lastPing < 1_500); i++) {
        const fields = await withRedis(
          t,
          sentinel.port,
          async (r) => (await r.call("SENTINEL", "master", t.redis.masterName)) as string[],
        );
        lastPing = Number(fields[fields.indexOf("last-ok-ping-reply") + 1]);
        if (!(lastPing < 1_500)) await sleep(250);
      }
      expect(lastPing, `${sentinel.name}'s last answered PING to the master (ms ago)`).toBeLessThan(1_500);
      await heldEtcd.put(probeKey).value("after");
      expect(await heldEtcd.get(probeKey).string()).toBe("after");
      await heldEtcd.delete().key(probeKey);
      expect((await patroniCluster(t.clusters[0]!))?.leader).toBeDefined();
    } finally {
      held.disconnect();
      heldEtcd.close();
    }
  });
});
