import { type AddressInfo, createServer } from "node:net";

/** A port nothing listens on now (the OS picks it) on `host`: for a process started beside the topology, or a test's own. */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once("error", reject);
    srv.listen(0, host, resolve);
  });
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}
