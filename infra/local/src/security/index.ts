export { describeCert, ensureCa, issueServerCert, SERVER_CERT_DAYS } from "./pki.ts";
export {
  ensurePostgresCerts,
  rotatePostgresCerts,
  type MemberCertificate,
} from "./postgres-tls.ts";
export {
  ensureInternalCerts,
  internalTlsEndpoints,
  rotateInternalCerts,
  type InternalCertificate,
  type InternalTlsKind,
} from "./internal-tls.ts";
export { rotateServerCerts } from "./rotation.ts";
export { etcdClientTlsFiles, patroniTlsFiles, redisTlsFiles, etcdTlsFiles } from "./tls-files.ts";
export { peerCertificate, type PeerCertificate } from "./tls-probe.ts";
