/**
 * Mutual TLS between Agora's processes on Kubernetes: the service identities of the local topology
 * (infra/local/src/security/service-identity.ts), one cert-manager `Certificate` each, issued by
 * the namespace's internal CA. Every pod of a deployable mounts its identity's Secret read-only at
 * TLS_MOUNT and gets the same variables the local topology sets (`AGORA_TLS_*` for the internal
 * planes, the CA for Redis, the pair and CA for etcd's client-certificate auth), so each process
 * starts with the same code path as locally. The Redis nodes and Sentinels share one server
 * certificate; the etcd members one for client and peer TLS; each Postgres cluster has its own
 * (data/postgres.ts).
 */
import type { Volume, VolumeMount } from "kubernetes-types/core/v1";
import { ALL_DEPLOYABLES, type Deployable, type DeployableName } from "../deployables.ts";
import type { EnvironmentSpec } from "../environments.ts";
import { CANARY_SERVICE } from "../delivery/rollout.ts";
import { REALTIME_SERVICE } from "../network/ingress.ts";
import { serviceHost, serviceNames, workloadName } from "../meta.ts";
import { ETCD, etcdLabels } from "../data/etcd.ts";
import { postgresCertificates } from "../data/postgres.ts";
import { REDIS, redisLabels } from "../data/redis.ts";
import {
  type CertManagerCertificate,
  type CertManagerIssuer,
  ISSUED_SECRET_KEYS,
  internalCa,
  issuedCertificate,
} from "./cert-manager.ts";

import { ETCD_TLS_SECRET, REDIS_TLS_SECRET, TLS_MOUNT } from "./service-tls-files.ts";

export type ServiceIdentity =
  | "storefront"
  | "vendor-portal"
  | "ops-console"
  | "identity"
  | "payment-sim"
  | "telemetry-collector"
  | "media-origin"
  | "workers"
  | "realtime"
  | "inventory";

/** As locally: the worker pools and the singletons of the workers image share `workers`. */
export function serviceIdentityOf(name: DeployableName): ServiceIdentity {
  switch (name) {
    case "sagas":
    case "payments":
    case "notifications":
    case "imports":
    case "analytics":
    case "maintenance":
    case "outbox-relay":
    case "projections":
      return "workers";
    default:
      return name;
  }
}

export const tlsSecretName = (identity: ServiceIdentity) => `agora-tls-${identity}`;

/** The Services whose pods present `identity` (HTTPS callers verify one of these names). */
function servicesOf(identity: ServiceIdentity): string[] {
  const services = ALL_DEPLOYABLES.filter((d) => serviceIdentityOf(d.name) === identity).map((d) =>
    d.name === "realtime" ? REALTIME_SERVICE : workloadName(d.name),
  );
  if (identity === "storefront") services.push(CANARY_SERVICE);
  return services;
}

export const SERVICE_IDENTITIES: readonly ServiceIdentity[] = [
  ...new Set(ALL_DEPLOYABLES.map((d) => serviceIdentityOf(d.name))),
];

/** The CN is the identity (what the inventory client checks), the DNS names its Services'. */
export function serviceCertificate(env: EnvironmentSpec, identity: ServiceIdentity): CertManagerCertificate {
  return issuedCertificate(env, tlsSecretName(identity), {
    commonName: identity,
    dnsNames: servicesOf(identity).flatMap((s) => serviceNames(env, s)),
  });
}

/** Every pod name of a headless StatefulSet Service, and the Service itself. */
function memberNames(env: EnvironmentSpec, service: string): string[] {
  return [...serviceNames(env, service), `*.${serviceHost(env, service)}`];
}

/** The whole PKI of an environment: CA, one certificate per identity, Redis, etcd, Postgres. */
export function certificates(env: EnvironmentSpec): (CertManagerIssuer | CertManagerCertificate)[] {
  return [
    ...internalCa(env),
    ...SERVICE_IDENTITIES.map((i) => serviceCertificate(env, i)),
    // Redis nodes and Sentinels: server to clients, client of each other (tls-replication).
    issuedCertificate(
      env,
      REDIS_TLS_SECRET,
      {
        commonName: REDIS.name,
        dnsNames: [...memberNames(env, REDIS.name), ...memberNames(env, REDIS.sentinelName)],
      },
      redisLabels,
    ),
    // etcd members: server to clients and peers, client of their peers (peer mTLS).
    issuedCertificate(
      env,
      ETCD_TLS_SECRET,
      { commonName: ETCD.name, dnsNames: memberNames(env, ETCD.name) },
      etcdLabels,
    ),
    // Each Postgres cluster's Spilo pods: server to the apps' verify-full URLs.
    ...postgresCertificates(env),
  ];
}

/** The Secret volume of a TLS pair, readable by the pod's group only. */
export function tlsVolume(name: string, secretName: string): Volume {
  return { name, secret: { secretName, defaultMode: 0o440 } };
}

/**
 * Only the internal CA of an identity's Secret, where the identity's pods find it (TLS_FILES.ca):
 * for a pod that verifies servers but presents no certificate, as the release Jobs verify Postgres
 * with the CA file their database URLs name.
 */
export function internalCaVolume(identity: ServiceIdentity): {
  volume: Volume;
  mount: VolumeMount;
} {
  const volume = tlsVolume("tls-ca", tlsSecretName(identity));
  const ca = ISSUED_SECRET_KEYS.ca;
  volume.secret = { ...volume.secret, items: [{ key: ca, path: ca }] };
  return { volume, mount: { name: "tls-ca", mountPath: TLS_MOUNT, readOnly: true } };
}

/** The pod's volume and mount of its service identity. */
export function serviceTlsVolume(d: Pick<Deployable, "name">): { volume: Volume; mount: VolumeMount } {
  return {
    volume: tlsVolume("tls", tlsSecretName(serviceIdentityOf(d.name))),
    mount: { name: "tls", mountPath: TLS_MOUNT, readOnly: true },
  };
}
