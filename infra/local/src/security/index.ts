export { describeCert, ensureCa, issueServerCert, SERVER_CERT_DAYS } from "./pki.ts";
export {
  ensurePostgresCerts,
  rotatePostgresCerts,
  type MemberCertificate,
} from "./postgres-tls.ts";
export {
  ensureInternalCerts,
  internalTlsEndpoints,
  type InternalTlsEndpoint,
  rotateInternalCerts,
  rotateEdgeCert,
  type InternalCertificate,
  type InternalTlsKind,
} from "./internal-tls.ts";
export { rotateServerCerts } from "./rotation.ts";
export {
  etcdClientTlsFiles,
  patroniAdminTlsFiles,
  patroniTlsFiles,
  redisTlsFiles,
  etcdTlsFiles,
} from "./tls-files.ts";
export { peerCertificate, type PeerCertificate } from "./tls-probe.ts";
export {
  SERVICE_IDENTITIES,
  serviceIdentityOf,
  serviceIdentityFiles,
  type ServiceIdentity,
} from "./service-identity.ts";
export { runTrustingCa } from "./trust-ca.ts";
/** For the topology's CLIs (soak): the product's mutual-TLS fetch, with the test runner's identity. */
export { serviceFetch } from "@agora/config/service-tls";
