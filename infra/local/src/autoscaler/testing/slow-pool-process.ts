/**
 * A stand-in worker pool for the autoscaler's tests, as a real process: a BullMQ worker on
 * `AUTOSCALE_TEST_QUEUE` whose jobs each take `AUTOSCALE_TEST_JOB_MS`, `AUTOSCALE_TEST_CONCURRENCY`
 * at a time. SIGTERM drains like a product pool: `worker.close()` lets the running jobs finish, then
 * it exits 0. Redis through Sentinel, from the same variables the product's processes get.
 */
import { readFileSync } from "node:fs";
import { Worker } from "bullmq";
import { Redis } from "ioredis";

const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is required`);
  return v;
};
const queue = env("AUTOSCALE_TEST_QUEUE");
const jobMs = Number(process.env.AUTOSCALE_TEST_JOB_MS ?? "100");
const connection = new Redis({
  sentinels: env("AGORA_REDIS_SENTINELS")
    .split(",")
    .map((a) => ({ host: a.split(":")[0]!, port: Number(a.split(":")[1]) })),
  name: env("AGORA_REDIS_MASTER_NAME"),
  password: process.env.AGORA_REDIS_PASSWORD,
  sentinelPassword: process.env.AGORA_REDIS_SENTINEL_PASSWORD,
  // Redis and its Sentinels speak only mutual TLS: verified against the topology's CA, presenting
  // the process's client pair.
  ...(process.env.AGORA_REDIS_TLS_CA_FILE
    ? (() => {
        const tls = {
          ca: readFileSync(process.env.AGORA_REDIS_TLS_CA_FILE),
          cert: readFileSync(env("AGORA_REDIS_TLS_CERT_FILE")),
          key: readFileSync(env("AGORA_REDIS_TLS_KEY_FILE")),
        };
        return { tls, sentinelTLS: tls, enableTLSForSentinelMode: true };
      })()
    : {}),
  maxRetriesPerRequest: null,
});
connection.on("error", (err) => process.stderr.write(`redis: ${err.message}\n`));
const worker = new Worker(queue, async () => new Promise((r) => setTimeout(r, jobMs)), {
  connection,
  concurrency: Number(process.env.AUTOSCALE_TEST_CONCURRENCY ?? "2"),
});
worker.on("error", (err) => process.stderr.write(`worker: ${err.message}\n`));
process.stdout.write(`${process.env.AGORA_SERVICE_NAME ?? "slow-pool"} consuming ${queue}\n`);
process.once("SIGTERM", () => {
  void worker
    .close()
    .then(() => connection.quit())
    .then(() => process.exit(0));
});
