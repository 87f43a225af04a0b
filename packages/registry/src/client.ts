import { readFileSync } from "node:fs";
import { Etcd3, type IOptions } from "etcd3";
import { etcdTlsSchema, loadConfig } from "@agora/config";

/**
 * etcd's mutual TLS, by default from the environment (`AGORA_ETCD_CA_FILE`, `…_CERT_FILE`,
 * `…_KEY_FILE`): the CA the members chain to and the client pair etcd asks for
 * (`--client-cert-auth`). Every etcd client of Agora takes its credentials from here; none when
 * no CA is configured.
 */
export function etcdCredentials(files: EtcdTlsFiles | undefined = etcdTlsFromEnv()): Pick<IOptions, "credentials"> {
  if (!files) return {};
  return {
    credentials: {
      rootCertificate: readFileSync(files.ca),
      ...(files.cert && files.key
        ? { certChain: readFileSync(files.cert), privateKey: readFileSync(files.key) }
        : {}),
    },
  };
}

/** PEM files of etcd's mutual TLS: the CA, and the client pair to present. */
export interface EtcdTlsFiles {
  ca: string;
  cert?: string;
  key?: string;
}

function etcdTlsFromEnv(): EtcdTlsFiles | undefined {
  const env = loadConfig(etcdTlsSchema);
  if (!env.AGORA_ETCD_CA_FILE) return undefined;
  return { ca: env.AGORA_ETCD_CA_FILE, cert: env.AGORA_ETCD_CERT_FILE, key: env.AGORA_ETCD_KEY_FILE };
}

/** Options of an etcd client whose unary calls all have a deadline (streams — keepalive, watch — live on). */
export function etcdClientOptions(hosts: string[], requestTimeoutMs = 2_000, tls?: EtcdTlsFiles): IOptions {
  return {
    hosts,
    dialTimeout: requestTimeoutMs,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + requestTimeoutMs }),
    ...etcdCredentials(tls ?? etcdTlsFromEnv()),
  };
}

/**
 * An etcd client whose unary calls all have a deadline (streams — keepalive, watch — live on);
 * its TLS files from `tls`, else from the environment.
 */
export function registryClient(endpoints: string[], requestTimeoutMs = 2_000, tls?: EtcdTlsFiles): Etcd3 {
  return new Etcd3(etcdClientOptions(endpoints, requestTimeoutMs, tls));
}
