/**
 * Turns a stream of readiness probe results into the flag an instance publishes: ready after one
 * success, not ready only after `failuresToUnready` failures in a row (one slow probe on a busy
 * box must not take an instance out of rotation), and never ready again once draining.
 */
export interface ReadinessGate {
  /** Feeds one probe result; returns the flag to publish. */
  observe(ok: boolean): boolean;
  readonly ready: boolean;
}

export function readinessGate(opts: { failuresToUnready?: number; isDraining?: () => boolean } = {}): ReadinessGate {
  const limit = opts.failuresToUnready ?? 2;
  let ready = false;
  let failures = 0;
  return {
    observe(ok: boolean): boolean {
      if (opts.isDraining?.()) return (ready = false);
      if (ok) {
        failures = 0;
        return (ready = true);
      }
      failures += 1;
      if (failures >= limit) ready = false;
      return ready;
    },
    get ready() {
      return ready;
    },
  };
}
