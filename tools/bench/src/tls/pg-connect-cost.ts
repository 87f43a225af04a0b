/**
 * `npx tsx tools/bench/src/tls/pg-connect-cost.ts [profile] [connections]`: the client-side CPU of
 * opening one verified TLS connection to `core`'s primary (TLS 1.3 handshake, SCRAM, one round
 * trip, close) of a running topology (`dev` by default: `npm start`), two ways in interleaved
 * rounds: as node-postgres does from a `sslmode=verify-full&sslrootcert=…` URL (the CA file read
 * and a TLS context built per connection) and as the product's pools do (packages/db
 * tls-context.ts: one context for every connection). Loopback only, sequential, bounded.
 */
import { pgTls, verifiedTls } from "@agora/db";
import { databaseUrl, type ProfileName, topology } from "@agora/infra-local/topology";
import pg from "pg";

const profile = (process.argv[2] ?? "dev") as ProfileName;
const connections = Number(process.argv[3] ?? 200);
const url = databaseUrl(topology(profile), "core", "rw");
const tls = pgTls(url);
if (!tls.caFile) throw new Error(`the ${profile} topology's URL has no sslmode=verify-full with a CA: ${url}`);
const caFile = tls.caFile;

const ways = {
  "node-postgres from the URL (CA read + context per connection)": () => new pg.Client({ connectionString: url }),
  "the product's pools (one context)": () => new pg.Client({ connectionString: tls.connectionString, ssl: verifiedTls(caFile) }),
};

async function connectMany(make: () => pg.Client, n: number): Promise<{ cpuMs: number; wallMs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const c = make();
    await c.connect();
    await c.query("SELECT 1");
    await c.end();
  }
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000 / n, wallMs: (performance.now() - start) / n };
}

const totals = new Map<string, { cpuMs: number; wallMs: number }[]>();
for (const make of Object.values(ways)) await connectMany(make, 10); // warm-up
const rounds = 4;
for (let r = 0; r < rounds; r++)
  for (const [name, make] of Object.entries(ways))
    totals.set(name, [...(totals.get(name) ?? []), await connectMany(make, Math.ceil(connections / rounds))]);

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`${connections} connections each way to ${profile} core (${rounds} interleaved rounds), per connection:`);
for (const [name, rs] of totals)
  console.log(`  ${name.padEnd(64)} ${mean(rs.map((x) => x.cpuMs)).toFixed(2)} ms CPU  ${mean(rs.map((x) => x.wallMs)).toFixed(2)} ms wall`);
