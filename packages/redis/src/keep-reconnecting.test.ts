import { createServer } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { keepReconnecting } from "./index.ts";

/** A loopback port nothing listens on: every Sentinel connect is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A Sentinel-mode client whose connect fails once and for all, as ioredis sees it. */
async function unreachable(): Promise<Redis> {
  const client = new Redis({
    sentinels: [{ host: "127.0.0.1", port: await closedPort() }],
    name: "nowhere",
    lazyConnect: true,
    maxRetriesPerRequest: null,
    // The connector gives up at once: the failed connect is what ends a client.
    sentinelRetryStrategy: () => null,
    retryStrategy: () => 20,
  });
  client.on("error", () => undefined);
  return client;
}

const clients: Redis[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.disconnect();
});

describe("keepReconnecting", () => {
  it("ioredis itself ends a client whose connect failed (what the wrapper exists for)", async () => {
    const bare = await unreachable();
    clients.push(bare);
    await bare.connect().catch(() => undefined);
    expect(bare.status).toBe("end");
    await expect(bare.ping()).rejects.toThrow("Connection is closed.");
  });

  it("keeps such a client reconnecting instead, trying again and again", async () => {
    const client = keepReconnecting(await unreachable());
    clients.push(client);
    const connects: number[] = [];
    client.on("connecting", () => connects.push(Date.now()));
    await client.connect().catch(() => undefined);
    expect(client.status).not.toBe("end");
    await sleep(1500);
    expect(client.status).not.toBe("end");
    expect(connects.length).toBeGreaterThanOrEqual(2);
  });

  it("lets a BullMQ queue created meanwhile wait for the connection instead of failing for good", async () => {
    const client = keepReconnecting(await unreachable());
    clients.push(client);
    await client.connect().catch(() => undefined);
    const queue = new Queue("keep-reconnecting-test", { connection: client });
    queue.on("error", () => undefined);
    const init = queue.waitUntilReady().then(
      () => "ready",
      (err: Error) => `failed: ${err.message}`,
    );
    const outcome = await Promise.race([init, sleep(1000).then(() => "waiting")]);
    expect(outcome).toBe("waiting");
  });

  it("ends for good when closed on purpose (disconnect and quit)", async () => {
    const a = keepReconnecting(await unreachable());
    await a.connect().catch(() => undefined);
    a.disconnect();
    await sleep(100);
    expect(a.status).toBe("end");

    const b = keepReconnecting(await unreachable());
    await b.connect().catch(() => undefined);
    await b.quit().catch(() => undefined);
    await sleep(100);
    expect(b.status).toBe("end");
  });

  it("gives its duplicates the same care", async () => {
    const client = keepReconnecting(await unreachable());
    const copy = client.duplicate();
    copy.on("error", () => undefined);
    clients.push(client, copy);
    await copy.connect().catch(() => undefined);
    await sleep(200);
    expect(copy.status).not.toBe("end");
  });
});
