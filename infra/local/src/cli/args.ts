import { parseArgs } from "node:util";
import { type ProfileName, profileFromEnv } from "../topology.ts";

export function cliArgs<T extends Record<string, { type: "string" | "boolean"; short?: string; default?: string | boolean }>>(
  options: T,
) {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { profile: { type: "string" }, json: { type: "boolean", default: false }, ...options },
  });
  const profile = ((values as Record<string, unknown>).profile as string | undefined) ?? profileFromEnv();
  if (profile !== "dev" && profile !== "test") {
    throw new Error(`--profile must be "dev" or "test", got "${profile}"`);
  }
  return { values, positionals, profile: profile as ProfileName };
}

/** Exit with a one-line message (and the details) instead of a stack trace for expected failures. */
export function runCli(main: () => Promise<void>): void {
  main().then(
    // An exit code a command set (e.g. a drill that lost writes) survives the clean finish.
    () => process.exit(process.exitCode ?? 0),
    (err: unknown) => {
      process.stderr.write(`\n✖ ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
