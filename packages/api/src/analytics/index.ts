/** `@agora/api/analytics`: rollup buckets and the product-view stream, shared with the worker. */
export * from "./buckets.ts";
export * from "./view-stream.ts";
export { recordProductView } from "./record-view.ts";
export {
  RECONCILE_QUEUE,
  reconcileJobSchema,
  requestReconcile,
  runReconcileInput,
  type ReconcileJob,
} from "./reconcile-request.ts";
