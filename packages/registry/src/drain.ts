/**
 * This process's drain flag: set once it has been told to stop, read by its readiness check so a
 * draining instance reports not ready everywhere (registry, /readyz); and the count of calls it is
 * handling, so a drain can wait for them to finish. Kept on `globalThis` because a Next.js server
 * loads the instrumentation hook and the route handlers as separate bundles, each with its own copy
 * of this module. No imports: the route handlers' bundle stays free of etcd.
 */
const KEY = Symbol.for("agora.registry.draining");
const g = globalThis as typeof globalThis & { [KEY]?: boolean };

export function markDraining(): void {
  g[KEY] = true;
}

export function isDraining(): boolean {
  return g[KEY] === true;
}

const CALLS = Symbol.for("agora.registry.callsInFlight");
const c = globalThis as typeof globalThis & { [CALLS]?: number };

/** A call started; returns its end (call it exactly once, in a `finally`). */
export function callStarted(): () => void {
  c[CALLS] = (c[CALLS] ?? 0) + 1;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    c[CALLS] = Math.max(0, (c[CALLS] ?? 1) - 1);
  };
}

/** Calls this process is handling now (those that announced themselves with `callStarted`). */
export function callsInFlight(): number {
  return c[CALLS] ?? 0;
}
