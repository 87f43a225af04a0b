/** No secret value in the rendered output: Secrets are created out of band and only referenced. */
import type { Secret } from "kubernetes-types/core/v1";
import { type Manifest, ref } from "../manifest.ts";
import type { Violation } from "./violation.ts";

export function checkNoSecretData(docs: readonly Manifest[]): Violation[] {
  return docs
    .filter((d): d is Secret => d.kind === "Secret")
    .filter(
      (s) => Object.keys(s.data ?? {}).length > 0 || Object.keys(s.stringData ?? {}).length > 0,
    )
    .map((s) => ({
      policy: "secrets",
      document: ref(s),
      message: "a Secret with literal data or stringData",
    }));
}
