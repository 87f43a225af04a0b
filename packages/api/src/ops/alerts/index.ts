/** The alerting tables and SLO windows, shared by the evaluator (workers) and the console. */
export { activeSilences, loadFiringAlerts, recordEvaluation, type EvaluationRecord } from "./alert-store.ts";
export { BURN_WINDOWS_MS, pruneSliMinutes, readSliWindows, recordSliIncrease, type SliWindows } from "./sli-store.ts";
export { pendingWebhookDeliveries, recordWebhookAttempt, type WebhookDelivery } from "./webhook-outbox.ts";
