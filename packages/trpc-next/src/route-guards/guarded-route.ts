/**
 * Every route handler of the apps goes through `guardedRoute`: it runs in the request's trace,
 * refuses cross-site state changes (403), answers the refusals of the body readers with their
 * status (413, 415, 400), and turns anything else that escapes the handler into a 500 whose body
 * is one stable sentence and the trace id, while the log gets the cause under the same trace id.
 */
import { internalErrorBody } from "@agora/api/public-error";
import { createLogger, withRequestTrace } from "@agora/telemetry";
import { CROSS_SITE_MESSAGE, crossSiteReason } from "./cross-site.ts";
import { RequestRefusedError } from "./refusals.ts";

const log = createLogger({ service: "api" });

export type RouteHandler<R extends Request, C> = (req: R, ctx: C) => Promise<Response>;

/**
 * A handler without Next's second argument (`{ params }`) stays callable with the request alone and
 * still satisfies Next's route type check, which passes every handler that argument.
 */
export function guardedRoute<R extends Request>(
  handler: (req: R) => Promise<Response>,
): (req: R, ctx?: unknown) => Promise<Response>;
export function guardedRoute<R extends Request, C>(handler: RouteHandler<R, C>): RouteHandler<R, C>;
export function guardedRoute<R extends Request, C>(
  handler: RouteHandler<R, C>,
): RouteHandler<R, C> {
  return (req, ctx) =>
    withRequestTrace(req.headers, async () => {
      const path = new URL(req.url).pathname;
      const crossSite = crossSiteReason(req);
      if (crossSite) {
        log.warn({ path, method: req.method, reason: crossSite }, "cross-site request refused");
        return Response.json({ error: CROSS_SITE_MESSAGE }, { status: 403 });
      }
      try {
        return await handler(req, ctx);
      } catch (err) {
        if (err instanceof RequestRefusedError)
          return Response.json({ error: err.message, code: err.code }, { status: err.status });
        // Next's own control flow (redirect(), notFound(), dynamic-usage bail-outs during a build)
        // travels as errors with a `digest`; they are Next's to handle.
        if (isNextControlFlow(err)) throw err;
        log.error({ path, method: req.method, err }, "route handler failed");
        return Response.json(internalErrorBody(), { status: 500 });
      }
    });
}

function isNextControlFlow(err: unknown): boolean {
  return (
    typeof err === "object" &&
    err !== null &&
    typeof (err as { digest?: unknown }).digest === "string"
  );
}
