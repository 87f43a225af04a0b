/**
 * A CLI of the topology (bench, soak) calls the storefront's public URL, which is HTTPS with a
 * certificate of the state folder's CA where the gateway's plain port only redirects. Node's
 * `fetch` trusts extra CAs only from NODE_EXTRA_CA_CERTS, read once at start-up (Node 20 has no
 * API to add one later, and fetch takes no per-call CA without the undici package), so the CLI
 * runs itself again with it set — once, before doing anything.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Re-runs this process trusting `caFile` unless it already does; exits with the child's status. */
export function runTrustingCa(caFile: string): void {
  if (process.env.NODE_EXTRA_CA_CERTS === caFile || !existsSync(caFile)) return;
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: "inherit",
    env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
  });
  if (child.error) throw child.error;
  process.exit(child.status ?? 1);
}
