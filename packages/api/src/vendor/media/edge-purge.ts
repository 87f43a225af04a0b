/**
 * Purging a deleted image's URLs from the CDN edge through the media origin's purge endpoint
 * (`DELETE /cache/media/<path>`, see apps/workers/src/media-origin/cache-purge.ts). Each call has
 * a timeout and a bounded retry with jitter behind a circuit breaker; a purge that still fails is
 * reported to the caller (and the audit log), never thrown after the delete has committed.
 */
import { bearerHeader } from "@agora/auth/service-token";
import { loadConfig, mediaOriginTokenSchema, servicesSchema } from "@agora/config";
import { createCircuitBreaker, type CircuitBreaker } from "@agora/resilience";

export interface PurgeResult {
  url: string;
  /** True when the edge had a copy and it is gone; false when there was none. */
  purged: boolean;
  /** Set when the purge could not be done (origin down): the edge may still serve the old copy. */
  error?: string;
}

class PurgeHttpError extends Error {
  readonly retryable: boolean;
  constructor(status: number) {
    super(`purge answered ${status}`);
    this.name = "PurgeHttpError";
    this.retryable = status >= 500;
  }
}

let breaker: CircuitBreaker | undefined;
function purgeBreaker(): CircuitBreaker {
  breaker ??= createCircuitBreaker("cdn-purge", {
    trip: { kind: "consecutive", failures: 5 },
    halfOpenAfterMs: 10_000,
    timeoutMs: 2_000,
    retry: { maxAttempts: 3, initialDelayMs: 100, maxDelayMs: 1_000 },
  });
  return breaker;
}

/** Base URL of the media origin (its purge endpoint): AGORA_MEDIA_ORIGIN_URL. */
export function mediaOriginUrl(): string {
  return loadConfig(servicesSchema.pick({ AGORA_MEDIA_ORIGIN_URL: true })).AGORA_MEDIA_ORIGIN_URL;
}

export async function purgeFromEdge(
  urls: string[],
  originUrl: string = mediaOriginUrl(),
): Promise<PurgeResult[]> {
  // The origin's purge endpoint takes its token (AGORA_MEDIA_ORIGIN_TOKEN).
  const auth = bearerHeader(loadConfig(mediaOriginTokenSchema).AGORA_MEDIA_ORIGIN_TOKEN);
  return Promise.all(
    urls.map(async (url): Promise<PurgeResult> => {
      try {
        return await purgeBreaker().execute(async ({ signal }) => {
          const res = await fetch(`${originUrl}/cache${url}`, { method: "DELETE", headers: auth, signal });
          if (!res.ok) throw new PurgeHttpError(res.status);
          const body = (await res.json()) as { purged?: unknown };
          return { url, purged: body.purged === true };
        });
      } catch (err) {
        return { url, purged: false, error: err instanceof Error ? err.message : String(err) };
      }
    }),
  );
}
