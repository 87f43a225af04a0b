/**
 * Warm-up before readiness: once a fresh server's own readiness probe first passes, it requests a
 * few of its hot paths from itself (each three times, one call at a time) and only then reports
 * ready. What those calls answer does not matter: they load the routes' code, open the pools and
 * warm the JIT, so the first shoppers routed to a new instance do not pay for it.
 */
export function withWarmUp(
  probe: () => Promise<boolean>,
  base: string,
  paths: readonly string[],
  log: (line: string) => void = (line) => console.log(`[registry] ${line}`),
): () => Promise<boolean> {
  let warming: Promise<void> | undefined;
  let warm = paths.length === 0;
  // A warm-up longer than one probe's deadline leaves that probe not ready; the next one waits on
  // the same warm-up rather than starting another.
  return async () => {
    const ok = await probe();
    if (!ok || warm) return ok;
    warming ??= warmUp(base, paths, log).finally(() => {
      warm = true;
    });
    await warming;
    return true;
  };
}

async function warmUp(base: string, paths: readonly string[], log: (line: string) => void): Promise<void> {
  const started = Date.now();
  for (const path of paths) {
    for (let i = 0; i < 3; i++) {
      try {
        const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(15_000), headers: { "x-agora-warm-up": "1" } });
        await res.arrayBuffer();
      } catch {
        // A path that fails to warm is served cold; readiness stays the probe's to decide.
      }
    }
  }
  log(`warmed up ${paths.join(", ")} in ${Date.now() - started} ms`);
}
