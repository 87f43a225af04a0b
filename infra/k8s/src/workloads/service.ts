/**
 * A ClusterIP Service per workload that serves something: the HTTP API (`http`) and/or the ops
 * endpoints (`metrics`, scraped by the ops console). The realtime gateways share one Service.
 */
import type { Service, ServicePort } from "kubernetes-types/core/v1";
import { type Deployable, HTTP_PORT, HTTPS_PORT, METRICS_PORT } from "../deployables.ts";
import type { EnvironmentSpec } from "../environments.ts";
import { LABEL, metadata } from "../meta.ts";

export function servicePorts(d: Deployable): ServicePort[] {
  const ports: ServicePort[] = [];
  if (d.http) ports.push({ name: "http", port: HTTP_PORT, targetPort: "http", protocol: "TCP" });
  if (d.metrics)
    ports.push({ name: "metrics", port: METRICS_PORT, targetPort: "metrics", protocol: "TCP" });
  if (d.https) ports.push({ name: "https", port: HTTPS_PORT, targetPort: "https", protocol: "TCP" });
  return ports;
}

export function service(
  env: EnvironmentSpec,
  name: string,
  d: Deployable,
  selector: Record<string, string>,
  extra: Partial<Service["spec"]> = {},
): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(env, name, { [LABEL.deployable]: d.name }),
    spec: { type: "ClusterIP", selector, ports: servicePorts(d), ...extra },
  };
}
