import { type AddressInfo, createServer } from "node:net";

/** A loopback port nothing listens on now (the OS picks it), for a test's own processes. */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as AddressInfo;
  await new Promise((r) => srv.close(r));
  return port;
}
