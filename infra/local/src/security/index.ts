export { describeCert, ensureCa, issueServerCert, SERVER_CERT_DAYS } from "./pki.ts";
export {
  ensurePostgresCerts,
  rotatePostgresCerts,
  type MemberCertificate,
} from "./postgres-tls.ts";
export { peerCertificate, type PeerCertificate } from "./tls-probe.ts";
