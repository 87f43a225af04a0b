/**
 * `npx tsx tools/bench/src/tls/edge-tls-cost.ts [profile] [requests]`: what TLS at the edge costs
 * the bench's product read (`catalog.product`, answered from the edge cache), one request at a
 * time so nothing but the protocol differs: the gateway's plain port against its HTTPS port
 * (TLS 1.3), each over one kept-alive connection and with a new connection (and, over HTTPS, a
 * full handshake) per request. Interleaved rounds; per request it prints the client's wall time,
 * the client's CPU and HAProxy's CPU (from /proc, every HAProxy of the topology). Needs the plain
 * port to serve (`AGORA_EDGE_PLAIN_HTTP=serve npm start`). Loopback only, sequential, bounded.
 *
 * The concurrent load scenarios (`product-http*` in scenarios.ts) give throughput; this one gives
 * the per-request price without queueing in it, which is what a ratio "before/after TLS" means.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { ProfileName } from "@agora/infra-local/topology";
import { queryPath } from "../journeys/trpc.ts";
import { benchTarget } from "../target.ts";

const profile = (process.argv[2] ?? "dev") as ProfileName;
const requests = Number(process.argv[3] ?? 2000);
const target = benchTarget(profile);
const ca = readFileSync(target.caFile);

interface PidRecord {
  kind: string;
  pid: number;
}
const haproxyPids = (JSON.parse(readFileSync(target.pidFile, "utf8")) as PidRecord[])
  .filter((p) => p.kind === "haproxy")
  .map((p) => p.pid);

/** CPU milliseconds (user + system) of the HAProxy processes, from /proc/<pid>/stat. */
function haproxyCpuMs(): number {
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  return haproxyPids.reduce((sum, pid) => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return sum + (Number(fields[11]) + Number(fields[12])) * tick;
  }, 0);
}

type Way = { name: string; base: string; keepAlive: boolean };
const ways: Way[] = [
  { name: "plain HTTP, kept-alive", base: target.plainGatewayUrl, keepAlive: true },
  { name: "HTTPS (TLS 1.3), kept-alive", base: target.httpsGatewayUrl, keepAlive: true },
  {
    name: "plain HTTP, new connection per request",
    base: target.plainGatewayUrl,
    keepAlive: false,
  },
  {
    name: "HTTPS (TLS 1.3), new connection + full handshake",
    base: target.httpsGatewayUrl,
    keepAlive: false,
  },
];

/**
 * Each chunk of requests comes from its own loopback address: the edge's flood guard counts
 * requests per client address (FLOOD_LIMIT per 10 s), and this tool is one client sending many.
 */
const CHUNK = 200;
let nextAddress = 0;
const freshAddress = () => {
  const n = nextAddress++;
  return `127.3.${(n >> 8) & 255}.${(n & 255) + 1}`;
};

function get(way: Way, agent: http.Agent, path: string, localAddress?: string): Promise<string> {
  const url = new URL(path, way.base);
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.get(
      url,
      { agent, localAddress, ...(url.protocol === "https:" ? { ca } : {}) },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (body += c));
        res.on("end", () =>
          res.statusCode === 200
            ? resolve(body)
            : reject(new Error(`${url.href}: HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
  });
}

function agentFor(way: Way): http.Agent {
  const options = { keepAlive: way.keepAlive, maxSockets: 1 };
  return way.base.startsWith("https:")
    ? new https.Agent({ ...options, ca, maxCachedSessions: 0 }) // a full handshake every time
    : new http.Agent(options);
}

const home = JSON.parse(await get(ways[1]!, agentFor(ways[1]!), queryPath("catalog.home"))) as {
  result: { data: { json: { featured: { productId: string }[] } } };
};
const productId = home.result.data.json.featured[0]?.productId;
if (!productId) throw new Error("catalog.home has no featured product: is the demo data seeded?");
const path = queryPath("catalog.product", { productId });

interface Sample {
  wallMs: number;
  clientCpuMs: number;
  haproxyCpuMs: number;
}
async function round(way: Way, n: number): Promise<Sample> {
  const agent = agentFor(way);
  const cpu = process.cpuUsage();
  const hp = haproxyCpuMs();
  const start = performance.now();
  let from = freshAddress();
  for (let i = 0; i < n; i++) {
    if (i > 0 && i % CHUNK === 0) from = freshAddress();
    await get(way, agent, path, from);
  }
  const wallMs = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const sample = {
    wallMs: wallMs / n,
    clientCpuMs: (used.user + used.system) / 1000 / n,
    haproxyCpuMs: (haproxyCpuMs() - hp) / n,
  };
  agent.destroy();
  return sample;
}

for (const way of ways) await round(way, 50); // warm-up: caches, JIT, the edge's session state
const rounds = 5;
const samples = new Map<string, Sample[]>();
for (let r = 0; r < rounds; r++)
  for (const way of ways)
    samples.set(way.name, [
      ...(samples.get(way.name) ?? []),
      await round(way, Math.ceil(requests / rounds)),
    ]);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = new Map(
  [...samples].map(([name, s]) => [
    name,
    {
      wallMs: mean(s.map((x) => x.wallMs)),
      clientCpuMs: mean(s.map((x) => x.clientCpuMs)),
      haproxyCpuMs: mean(s.map((x) => x.haproxyCpuMs)),
    },
  ]),
);
console.log(
  `${requests} catalog.product reads each way through the ${profile} gateway (${rounds} interleaved rounds), per request:`,
);
for (const [name, s] of summary)
  console.log(
    `  ${name.padEnd(50)} ${s.wallMs.toFixed(3)} ms wall  ${s.clientCpuMs.toFixed(3)} ms client CPU  ${s.haproxyCpuMs.toFixed(3)} ms HAProxy CPU`,
  );
const ratio = (a: string, b: string, k: keyof Sample) =>
  (summary.get(a)![k] / summary.get(b)![k]).toFixed(2);
for (const [https_, plain] of [
  [ways[1]!.name, ways[0]!.name],
  [ways[3]!.name, ways[2]!.name],
] as const)
  console.log(
    `  ${`${https_} ÷ plain`.padEnd(64)} wall ${ratio(https_, plain, "wallMs")}×  client CPU ${ratio(https_, plain, "clientCpuMs")}×  HAProxy CPU ${ratio(https_, plain, "haproxyCpuMs")}×`,
  );
