try {
  await import("./src/env.ts");
} catch (err) {
  // Next only logs a failing register() and keeps a half-started server listening; a wrong env
  // must stop the process so the launcher reports it instead of routing traffic to it.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
