/** Where a pod finds its service identity's pair and the internal CA (security/service-identity.ts). */
export const TLS_MOUNT = "/var/run/agora/tls";
export const TLS_FILES = {
  ca: `${TLS_MOUNT}/ca.crt`,
  cert: `${TLS_MOUNT}/tls.crt`,
  key: `${TLS_MOUNT}/tls.key`,
} as const;

/** The Redis nodes' and Sentinels' shared server certificate (cert-manager Secret). */
export const REDIS_TLS_SECRET = "agora-redis-tls";
/** The etcd members' certificate, server to clients and peers, client of their peers. */
export const ETCD_TLS_SECRET = "agora-etcd-tls";
/** Where the Redis, Sentinel and etcd pods mount theirs. */
export const DATA_TLS_MOUNT = "/tls";
