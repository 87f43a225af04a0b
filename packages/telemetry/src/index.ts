export {
  bindTenant,
  bindUser,
  createLogger,
  REDACTED,
  REDACTED_PATHS,
  type CreateLoggerOptions,
  type Logger,
} from "./logger.ts";
export {
  counter,
  DURATION_BUCKETS_SECONDS,
  errorClassName,
  exposeRegistry,
  gauge,
  histogram,
  mergeRegistries,
  METRIC_PREFIX,
  MetricTypeConflictError,
  metricsHandler,
  metricsRegistry,
  redMetrics,
  type MetricConfig,
  type MetricsResponse,
  type RedMetrics,
  type RedStatus,
} from "./metrics.ts";
export {
  childOf,
  continueTrace,
  currentTraceContext,
  extractFromJobData,
  formatTraceparent,
  injectIntoJobData,
  JOB_TRACE_KEY,
  newTraceContext,
  parseTraceparent,
  TRACE_FLAG_SAMPLED,
  withRequestTrace,
  withTraceContext,
  type JobTraceCarrier,
  type TraceContext,
} from "./trace-context.ts";
export {
  healthHandlers,
  HealthCheckTimeoutError,
  type CheckResult,
  type HealthCheck,
  type HealthHandlers,
  type HealthOptions,
  type LiveResponse,
  type ReadyResponse,
} from "./health.ts";
export {
  activeLogShipper,
  createLogShipper,
  installLogShipper,
  toOtlpLogRecord,
  type LogShipper,
  type LogShipperOptions,
} from "./log-shipper.ts";
export { startOpsServer, type OpsServerOptions } from "./ops-server.ts";
export {
  ErrorKeepingProcessor,
  ErrorKeepingSampler,
  sampleRateFromEnv,
  traceIdBelowRate,
} from "./tracing/sampler.ts";
export { inSpan, SpanKind, traceFromHeaders, traceHeaders, untraced, type SpanOptions } from "./tracing/spans.ts";
export { pgEndpoints, type PgEndpoint } from "./tracing/pg-endpoints.ts";
export { PROBE_ORDER_ID } from "./tracing/noise.ts";
