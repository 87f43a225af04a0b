/**
 * `npx tsx tools/bench/src/tls/redis-tls-cost.ts [rounds] [port]`: what TLS 1.3 costs a Redis
 * client, measured on ONE scratch redis-server that listens on a plaintext port and a TLS port at
 * once (same process, same box, rounds interleaved plain/TLS so both see the same load): a new
 * connection (handshake + AUTH + PING), a 2 KB cached read (GET), and a cart write (MULTI HINCRBY
 * EXPIRE HGETALL). The TLS port asks for a client certificate, as the topology's servers do
 * (`tls-auth-clients yes`). The topology itself has no plaintext port, so this is the before/after.
 * Ports `port` and `port + 1` (default 21695) must be free; everything lives in a temp folder.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureCa, issueServerCert } from "@agora/infra-local/security";
import { Redis, type RedisOptions } from "ioredis";

const rounds = Number(process.argv[2] ?? 6);
const plainPort = Number(process.argv[3] ?? 21695);
const tlsPort = plainPort + 1;
const dir = mkdtempSync(join(tmpdir(), "agora-redis-tls-cost-"));
const pki = ensureCa(dir, "redis tls cost");
const pair = issueServerCert(pki, "redis", { usage: "peer" });
const clientPair = issueServerCert(pki, "client", { usage: "client" });
const password = "redis-tls-cost";
writeFileSync(
  join(dir, "redis.conf"),
  [
    `port ${plainPort}`,
    `tls-port ${tlsPort}`,
    "bind 127.0.0.1",
    `tls-cert-file ${pair.cert}`,
    `tls-key-file ${pair.key}`,
    `tls-ca-cert-file ${pki.caCert}`,
    "tls-auth-clients yes",
    'tls-protocols "TLSv1.3"',
    `requirepass ${password}`,
    'save ""',
    `dir ${dir}`,
    "",
  ].join("\n"),
);
const server = spawn("redis-server", [join(dir, "redis.conf")], { stdio: "ignore" });
const ca = readFileSync(pki.caCert);
const client = { cert: readFileSync(clientPair.cert), key: readFileSync(clientPair.key) };
type Mode = "plain" | "tls";
const options = (m: Mode): RedisOptions => ({
  host: "127.0.0.1",
  password,
  maxRetriesPerRequest: 1,
  ...(m === "plain"
    ? { port: plainPort }
    : { port: tlsPort, tls: { ca, ...client, minVersion: "TLSv1.3" as const } }),
});
const now = () => Number(process.hrtime.bigint()) / 1e6;
const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.floor((a.length - 1) * p)] ?? NaN;
const samples: Record<Mode, Record<"connect" | "get" | "cart", number[]>> = {
  plain: { connect: [], get: [], cart: [] },
  tls: { connect: [], get: [], cart: [] },
};

try {
  await sleep(500);
  for (let round = 0; round < rounds; round++) {
    for (const m of (round % 2 ? ["tls", "plain"] : ["plain", "tls"]) as Mode[]) {
      for (let i = 0; i < 30; i++) {
        const t0 = now();
        const r = new Redis(options(m));
        await r.ping();
        samples[m].connect.push(now() - t0);
        r.disconnect();
      }
      const r = new Redis(options(m));
      await r.set("product:1", "x".repeat(2048));
      for (let i = 0; i < 500; i++) {
        const t0 = now();
        await r.get("product:1");
        samples[m].get.push(now() - t0);
      }
      for (let i = 0; i < 500; i++) {
        const key = `cart:${i % 40}`;
        const t0 = now();
        await r.multi().hincrby(key, `p${i % 7}`, 1).expire(key, 3600).hgetall(key).exec();
        samples[m].cart.push(now() - t0);
      }
      r.disconnect();
    }
  }
  for (const k of ["connect", "get", "cart"] as const) {
    const p = samples.plain[k];
    const t = samples.tls[k];
    const f = (n: number) => n.toFixed(3);
    process.stdout.write(
      `${k.padEnd(8)} n=${p.length}/${t.length}  p50 plain ${f(pct(p, 0.5))} ms, TLS ${f(pct(t, 0.5))} ms (×${(pct(t, 0.5) / pct(p, 0.5)).toFixed(2)})  p95 plain ${f(pct(p, 0.95))} ms, TLS ${f(pct(t, 0.95))} ms\n`,
    );
  }
} finally {
  server.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
