/**
 * cert-manager resources (`cert-manager.io/v1`): the namespace's internal CA and the certificates
 * issued from it. A self-signed `Issuer` signs one CA `Certificate` (its key never leaves the
 * Secret `agora-internal-ca`); a CA `Issuer` over that Secret issues every other certificate. Each
 * issued Secret holds `tls.crt`, `tls.key` and the CA as `ca.crt`, which is what the pods mount.
 * cert-manager renews a certificate `renewBefore` its expiry; Secret volumes follow the new pair
 * (no subPath), and Agora's processes re-read their files (`watchServiceTls`, read per connection).
 *
 * No npm model exists for these CRDs, so the fields used are typed here by hand:
 * - `Issuer.spec.selfSigned` / `Issuer.spec.ca.secretName`: the two issuer kinds used;
 * - `Certificate.spec.secretName`: the Secret cert-manager writes (type kubernetes.io/tls);
 * - `commonName`, `dnsNames`: the subject (Agora's clients check the service identity in the CN,
 *   e.g. the inventory client) and the names HTTPS callers verify;
 * - `duration`, `renewBefore`: Go durations (`2160h`);
 * - `isCA`: the CA certificate only; `usages`: server and client auth for mutual TLS;
 * - `privateKey`: algorithm, size, `rotationPolicy: Always` (a renewal gets a new key);
 * - `issuerRef`: the issuer by name and kind.
 */
import type { ObjectMeta } from "kubernetes-types/meta/v1";
import type { EnvironmentSpec } from "../environments.ts";
import { metadata } from "../meta.ts";

export const CERT_MANAGER_API = "cert-manager.io/v1";

export interface CertManagerIssuer {
  apiVersion: typeof CERT_MANAGER_API;
  kind: "Issuer";
  metadata: ObjectMeta;
  spec: { selfSigned: Record<string, never> } | { ca: { secretName: string } };
}

export type KeyUsage = "server auth" | "client auth" | "digital signature" | "key encipherment" | "cert sign";

export interface CertManagerCertificate {
  apiVersion: typeof CERT_MANAGER_API;
  kind: "Certificate";
  metadata: ObjectMeta;
  spec: {
    secretName: string;
    commonName?: string;
    dnsNames?: string[];
    duration?: string;
    renewBefore?: string;
    isCA?: boolean;
    usages?: KeyUsage[];
    privateKey?: { algorithm: "ECDSA" | "RSA" | "Ed25519"; size?: number; rotationPolicy?: "Always" | "Never" };
    issuerRef: { name: string; kind: "Issuer" | "ClusterIssuer"; group?: "cert-manager.io" };
  };
}

/** The keys of every issued Secret: the pair (type kubernetes.io/tls) and the issuing CA. */
export const ISSUED_SECRET_KEYS = { cert: "tls.crt", key: "tls.key", ca: "ca.crt" } as const;

export const INTERNAL_CA = {
  selfSignedIssuer: "agora-selfsigned",
  /** The CA certificate and its Secret (the CA key: mounted by cert-manager only). */
  caCertificate: "agora-internal-ca",
  issuer: "agora-internal-ca",
  /** 90 days, renewed 15 days before expiry (cert-manager's defaults, written out). */
  duration: "2160h",
  renewBefore: "360h",
  caDuration: "87600h",
} as const;

/** The self-signed bootstrap issuer, the CA certificate it signs, and the CA issuer over it. */
export function internalCa(env: EnvironmentSpec): (CertManagerIssuer | CertManagerCertificate)[] {
  return [
    {
      apiVersion: CERT_MANAGER_API,
      kind: "Issuer",
      metadata: metadata(env, INTERNAL_CA.selfSignedIssuer),
      spec: { selfSigned: {} },
    },
    {
      apiVersion: CERT_MANAGER_API,
      kind: "Certificate",
      metadata: metadata(env, INTERNAL_CA.caCertificate),
      spec: {
        secretName: INTERNAL_CA.caCertificate,
        commonName: `Agora internal CA (${env.name})`,
        isCA: true,
        duration: INTERNAL_CA.caDuration,
        usages: ["cert sign", "digital signature"],
        privateKey: { algorithm: "ECDSA", size: 256 },
        issuerRef: { name: INTERNAL_CA.selfSignedIssuer, kind: "Issuer", group: "cert-manager.io" },
      },
    },
    {
      apiVersion: CERT_MANAGER_API,
      kind: "Issuer",
      metadata: metadata(env, INTERNAL_CA.issuer),
      spec: { ca: { secretName: INTERNAL_CA.caCertificate } },
    },
  ];
}

/** A certificate of the internal CA, good as a server and as a client (mutual TLS). */
export function issuedCertificate(
  env: EnvironmentSpec,
  name: string,
  subject: { commonName: string; dnsNames: string[] },
  labels: Record<string, string> = {},
): CertManagerCertificate {
  return {
    apiVersion: CERT_MANAGER_API,
    kind: "Certificate",
    metadata: metadata(env, name, labels),
    spec: {
      secretName: name,
      commonName: subject.commonName,
      dnsNames: subject.dnsNames,
      duration: INTERNAL_CA.duration,
      renewBefore: INTERNAL_CA.renewBefore,
      usages: ["server auth", "client auth", "digital signature", "key encipherment"],
      privateKey: { algorithm: "ECDSA", size: 256, rotationPolicy: "Always" },
      issuerRef: { name: INTERNAL_CA.issuer, kind: "Issuer", group: "cert-manager.io" },
    },
  };
}

const GO_DURATION = /^(\d+h)?(\d+m)?(\d+s)?$/;
const hours = (d: string) => {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(d);
  return m ? Number(m[1] ?? 0) + Number(m[2] ?? 0) / 60 + Number(m[3] ?? 0) / 3600 : Number.NaN;
};
/** RFC 1123 DNS names, one leading wildcard label allowed. */
const DNS_NAME = /^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

/** The checks cert-manager's admission webhook makes on the fields used here. */
export function validateCertManager(doc: CertManagerIssuer | CertManagerCertificate): string[] {
  const name = doc.metadata.name ?? "";
  const errors: string[] = [];
  if (doc.kind === "Issuer") {
    const kinds = Object.keys(doc.spec);
    if (kinds.length !== 1) errors.push(`${name}: an Issuer has exactly one of selfSigned, ca (has ${kinds})`);
    if ("ca" in doc.spec && !doc.spec.ca.secretName) errors.push(`${name}: ca.secretName is required`);
    return errors;
  }
  const s = doc.spec;
  if (!s.secretName) errors.push(`${name}: secretName is required`);
  if (!s.issuerRef?.name) errors.push(`${name}: issuerRef.name is required`);
  if (!s.commonName && !s.dnsNames?.length) errors.push(`${name}: needs a commonName or dnsNames`);
  if (s.commonName && s.commonName.length > 64) errors.push(`${name}: commonName longer than 64`);
  for (const d of s.dnsNames ?? []) if (!DNS_NAME.test(d)) errors.push(`${name}: dnsName "${d}"`);
  for (const [field, value] of [["duration", s.duration], ["renewBefore", s.renewBefore]] as const)
    if (value !== undefined && (!GO_DURATION.test(value) || value === "")) errors.push(`${name}: ${field} "${value}"`);
  if (s.duration && s.renewBefore && hours(s.renewBefore) >= hours(s.duration))
    errors.push(`${name}: renewBefore must be shorter than duration`);
  if (s.privateKey?.algorithm === "ECDSA" && s.privateKey.size && ![256, 384, 521].includes(s.privateKey.size))
    errors.push(`${name}: ECDSA size ${s.privateKey.size}`);
  if (!s.isCA && s.usages?.includes("cert sign")) errors.push(`${name}: only a CA certificate may sign`);
  return errors;
}
