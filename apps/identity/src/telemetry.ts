/** Imported first by main.ts: tracing must be on before `node:http` is used (see @agora/telemetry). */
import { startTelemetry } from "@agora/telemetry/start";

export const telemetry = startTelemetry({ service: "identity" });
