/** Next calls this once when the server starts: fail fast on bad configuration, naming the variable. */
export async function register() {
  // Node-only code lives in its own module so the Edge bundle of this file stays free of it.
  if (process.env.NEXT_RUNTIME === "nodejs") {
    await import("./instrumentation-node.ts");
  }
}
