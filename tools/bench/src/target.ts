/**
 * Where the running product is: the gateway URL, the payment provider's card step and the PID
 * registry, all from the local topology's environment producer (the same `AGORA_BASE_PORT`,
 * `AGORA_STATE_DIR` and `AGORA_PROFILE` that started it), never from port literals.
 */
import { join } from "node:path";
import { processEnv } from "@agora/infra-local/env";
import { databaseUrl, topology, type ProfileName } from "@agora/infra-local/topology";

export interface BenchTarget {
  /** The storefront's public URL (HTTPS where the gateway's plain port only redirects). */
  gatewayUrl: string;
  /** The gateway's plain and HTTPS ports, for the TLS cost scenarios. */
  plainGatewayUrl: string;
  httpsGatewayUrl: string;
  /** The CA the edge's certificate chains to. */
  caFile: string;
  /** The CDN edge (nginx) in front of the media origin. */
  cdnUrl: string;
  paymentProviderUrl: string;
  pidFile: string;
  /** Patroni member name → its Postgres `postmaster.pid` (the postmaster runs detached from Patroni). */
  postmasterPidFiles: Record<string, string>;
  /** Cluster → superuser URL of its primary (the database's statement statistics). */
  statementUrls: Record<string, string>;
  stateDir: string;
  historyFile: string;
}

export function benchTarget(profile?: ProfileName): BenchTarget {
  const t = topology(profile);
  const env = processEnv(t, "test-runner");
  const need = (key: string): string => {
    const v = env[key];
    if (!v) throw new Error(`the topology's environment has no ${key}`);
    return v;
  };
  return {
    gatewayUrl: need("AGORA_STOREFRONT_URL"),
    plainGatewayUrl: `http://${t.host}:${t.apps.gateway}`,
    httpsGatewayUrl: `https://${t.host}:${t.apps.gatewayHttps}`,
    caFile: t.pki.caCert,
    cdnUrl: need("AGORA_CDN_URL"),
    paymentProviderUrl: need("AGORA_PAYMENT_PROVIDER_URL"),
    pidFile: t.pidFile,
    postmasterPidFiles: Object.fromEntries(
      t.clusters.flatMap((c) => c.nodes.map((n) => [n.name, join(n.dataDir, "postmaster.pid")])),
    ),
    statementUrls: Object.fromEntries(t.clusters.map((c) => [c.name, databaseUrl(t, c.name, "rw", { as: "superuser" })])),
    stateDir: t.stateDir,
    historyFile: join(t.stateDir, "bench", "history.jsonl"),
  };
}
