/** Test helper: the ConfigError `fn` throws (anything else is rethrown; no error fails the test). */
import { ConfigError } from "./load-config.ts";

export function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error("expected a ConfigError");
}
