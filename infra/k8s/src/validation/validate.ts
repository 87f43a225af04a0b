/**
 * Offline schema validation of every rendered document: Kubernetes kinds with `kubernetes-models`,
 * Rollouts/AnalysisTemplates, KEDA objects and PrometheusRules with their model packages, the Zalando `postgresql`
 * and cert-manager's Issuers/Certificates with the hand-written checks beside their types. Types, enums and required fields are checked here;
 * unknown fields are caught at compile time by the kubernetes-types the builders are typed with.
 */
import { AnalysisTemplate, Rollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1";
import { ScaledObject, TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { Ingress, NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service } from "kubernetes-models/v1";
import { type ZalandoPostgresql, validatePostgresql } from "../data/postgres.ts";
import { type Manifest, ref } from "../manifest.ts";
import {
  CERT_MANAGER_API,
  type CertManagerCertificate,
  type CertManagerIssuer,
  validateCertManager,
} from "../security/cert-manager.ts";

export interface ValidationError {
  document: string;
  message: string;
}

/** The model classes' constructors take their own data types; validation needs only `.validate()`. */
type Validatable = new (data: never) => { validate(): void };

const MODELS: Record<string, Validatable> = {
  "v1/Namespace": Namespace,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "batch/v1/Job": Job,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "networking.k8s.io/v1/Ingress": Ingress,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "argoproj.io/v1alpha1/Rollout": Rollout,
  "argoproj.io/v1alpha1/AnalysisTemplate": AnalysisTemplate,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
  "keda.sh/v1alpha1/TriggerAuthentication": TriggerAuthentication,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule,
};

export function validateDocument(doc: Manifest): ValidationError[] {
  const key = `${doc.apiVersion}/${doc.kind}`;
  if (key === "acid.zalan.do/v1/postgresql") {
    return validatePostgresql(doc as ZalandoPostgresql).map((message) => ({
      document: ref(doc),
      message,
    }));
  }
  if (doc.apiVersion === CERT_MANAGER_API && (doc.kind === "Issuer" || doc.kind === "Certificate")) {
    return validateCertManager(doc as CertManagerIssuer | CertManagerCertificate).map((message) => ({
      document: ref(doc),
      message,
    }));
  }
  const Model = MODELS[key];
  if (!Model) return [{ document: ref(doc), message: `no validator for ${key}` }];
  if (!doc.metadata?.name) return [{ document: ref(doc), message: "metadata.name is required" }];
  try {
    new Model(doc as never).validate();
    return [];
  } catch (err) {
    return [{ document: ref(doc), message: err instanceof Error ? err.message : String(err) }];
  }
}

export function validateDocuments(docs: readonly Manifest[]): ValidationError[] {
  return docs.flatMap(validateDocument);
}
