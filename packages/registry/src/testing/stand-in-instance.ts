/**
 * A stand-in service instance for tests, as a real process: an HTTP server that answers
 * `/healthz` and names itself on every other path, registered in etcd like an app. SIGUSR2 makes
 * it not ready, SIGUSR1 ready again, SIGTERM drains and exits; SIGKILL is a crash.
 * Prints `registered <port>` once its record is in etcd.
 *
 *   STANDIN_ENDPOINTS=http://…,… STANDIN_PREFIX=/x/ STANDIN_SERVICE=storefront STANDIN_ID=sf-a
 *   STANDIN_TTL=3 node --import tsx stand-in-instance.ts
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { register } from "../registration.ts";

const env = (k: string): string => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is required`);
  return v;
};
const id = env("STANDIN_ID");
const server = createServer((req, res) => {
  if (req.url === "/healthz") return res.end("ok");
  res.setHeader("x-instance", id);
  res.end(id);
});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
const { port } = server.address() as AddressInfo;
const reg = await register({
  endpoints: env("STANDIN_ENDPOINTS").split(","),
  prefix: env("STANDIN_PREFIX"),
  instance: { service: env("STANDIN_SERVICE"), instanceId: id, address: `127.0.0.1:${port}`, version: "test", region: "eu", ready: true },
  ttlSeconds: Number(process.env.STANDIN_TTL ?? "3"),
});
process.stdout.write(`registered ${port}\n`);
process.on("SIGUSR2", () => void reg.setReady(false).then(() => process.stdout.write("not-ready\n")));
process.on("SIGUSR1", () => void reg.setReady(true).then(() => process.stdout.write("ready\n")));
process.on("SIGTERM", () => {
  void reg.deregister({ drainMs: 200 }).finally(() => process.exit(0));
});
