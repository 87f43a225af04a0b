/** The guards every route handler of the apps shares (cross-site refusal, bounded bodies, stable 500s). */
export { guardedRoute, type RouteHandler } from "./guarded-route.ts";
export { CROSS_SITE_MESSAGE, crossSiteReason } from "./cross-site.ts";
export { mediaTypeOf, readBodyWithin, readMultipartWithin, withBodyWithin } from "./body-limit.ts";
export {
  BodyTooLargeError,
  MalformedBodyError,
  RequestRefusedError,
  UnsupportedMediaTypeError,
} from "./refusals.ts";
