/**
 * This process's drain flag: set once it has been told to stop, read by its readiness check so a
 * draining instance reports not ready everywhere (registry, /readyz). Kept on `globalThis` because
 * a Next.js server loads the instrumentation hook and the route handlers as separate bundles, each
 * with its own copy of this module. No imports: the route handlers' bundle stays free of etcd.
 */
const KEY = Symbol.for("agora.registry.draining");
const g = globalThis as typeof globalThis & { [KEY]?: boolean };

export function markDraining(): void {
  g[KEY] = true;
}

export function isDraining(): boolean {
  return g[KEY] === true;
}
