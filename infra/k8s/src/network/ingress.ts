/**
 * HTTP edge (ingress-nginx): one host per app, the media origin behind the CDN host, and the
 * Socket.IO path on the storefront host routed to the realtime gateways. Socket.IO's long-polling
 * transport sends several requests per session that must reach the same gateway, hence a cookie
 * affinity; the websocket upgrade itself needs long proxy timeouts, not a special annotation.
 */
import type { Ingress, IngressRule } from "kubernetes-types/networking/v1";
import { HTTP_PORT } from "../deployables.ts";
import type { EnvironmentSpec } from "../environments.ts";
import { metadata } from "../meta.ts";

export const STOREFRONT_INGRESS = "storefront";
export const REALTIME_SERVICE = "realtime";

const rule = (host: string, path: string, service: string): IngressRule => ({
  host,
  http: {
    paths: [
      {
        path,
        pathType: "Prefix",
        backend: { service: { name: service, port: { number: HTTP_PORT } } },
      },
    ],
  },
});

function ingress(
  env: EnvironmentSpec,
  name: string,
  rules: IngressRule[],
  annotations: Record<string, string> = {},
): Ingress {
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      ...metadata(env, name),
      annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "20m", ...annotations },
    },
    spec: {
      ingressClassName: env.ingressClassName,
      tls: [{ hosts: [...new Set(rules.map((r) => r.host ?? ""))], secretName: env.tlsSecretName }],
      rules,
    },
  };
}

export function ingresses(env: EnvironmentSpec): Ingress[] {
  const h = env.hosts;
  return [
    // Its own object: Argo Rollouts' nginx traffic routing clones exactly this Ingress for canaries.
    ingress(env, STOREFRONT_INGRESS, [rule(h.storefront, "/", "storefront")]),
    ingress(env, REALTIME_SERVICE, [rule(h.storefront, "/socket.io/", REALTIME_SERVICE)], {
      "nginx.ingress.kubernetes.io/affinity": "cookie",
      "nginx.ingress.kubernetes.io/affinity-mode": "persistent",
      "nginx.ingress.kubernetes.io/session-cookie-name": "agora-realtime",
      "nginx.ingress.kubernetes.io/session-cookie-path": "/socket.io/",
      "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600",
      "nginx.ingress.kubernetes.io/proxy-send-timeout": "3600",
    }),
    ingress(env, "portals", [
      rule(h.vendorPortal, "/", "vendor-portal"),
      rule(h.opsConsole, "/", "ops-console"),
      // The CDN pulls media from here and caches it; browsers use AGORA_CDN_URL.
      rule(h.cdn, "/", "media-origin"),
      // The OpenID Connect provider: browsers sign in there, relying parties fetch its JWKS.
      rule(h.identity, "/", "identity"),
    ]),
  ];
}
