/**
 * The one environment parser: every process validates the keys it composed, once, at start-up,
 * and stops with one message naming every missing or invalid variable.
 */
import { z } from "zod";

export type EnvSource = Record<string, string | undefined>;

export class ConfigError extends Error {
  readonly code = "INVALID_CONFIG";
  /** Names of the variables at fault, in the order zod reported them. */
  readonly variables: string[];
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration (environment):\n  ${problems.map((p) => `${p.variable}: ${p.message}`).join("\n  ")}`,
    );
    this.name = "ConfigError";
    this.variables = [...new Set(problems.map((p) => p.variable))];
  }
}

type Parts = Record<string, z.ZodType>;
type Loaded<S> = S extends z.ZodType
  ? z.infer<S>
  : { [K in keyof S]: S[K] extends z.ZodType ? z.infer<S[K]> : never };

function problemsOf(error: z.ZodError, source: EnvSource) {
  return error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? "(environment)");
    const value = source[variable];
    // Never echo a value that may be a secret or carry a password.
    const shown =
      value === undefined
        ? "not set"
        : /SECRET|PASSWORD|TOKEN|API_KEY|_URL_/.test(variable)
          ? "set"
          : JSON.stringify(value);
    return { variable, message: `${issue.message} (${shown})` };
  });
}

/**
 * Parses `source` (default `process.env`) with one schema, or with several concerns at once
 * (`{ db: databaseSchema, redis: redisSchema }` → `{ db, redis }`); throws one `ConfigError`
 * listing every problem of every concern.
 */
export function loadConfig<S extends z.ZodType | Parts>(
  schema: S,
  source: EnvSource = process.env,
): Loaded<S> {
  if (schema instanceof z.ZodType) {
    const parsed = schema.safeParse(source);
    if (parsed.success) return parsed.data as Loaded<S>;
    throw new ConfigError(problemsOf(parsed.error, source));
  }
  const out: Record<string, unknown> = {};
  const problems: ConfigError["problems"] = [];
  for (const [key, part] of Object.entries(schema)) {
    const parsed = part.safeParse(source);
    if (parsed.success) out[key] = parsed.data;
    else problems.push(...problemsOf(parsed.error, source));
  }
  if (problems.length) throw new ConfigError(problems);
  return out as Loaded<S>;
}
