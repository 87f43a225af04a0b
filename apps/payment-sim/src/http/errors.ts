import type { z } from "zod";

/** Every error the simulator answers with: an HTTP status and a stable, typed `code`. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    return { code: this.code, message: this.message, ...this.details };
  }
}

export interface ValidationIssue {
  path: (string | number)[];
  code: string;
  message: string;
}

/** Invalid input: 400 with zod's issues flattened to path/code/message. */
export class ValidationError extends SimError {
  constructor(error: z.ZodError, what = "request body") {
    const issues: ValidationIssue[] = error.issues.map((i) => ({
      path: i.path.map((p) => (typeof p === "symbol" ? String(p) : p)),
      code: i.code,
      message: i.message,
    }));
    super(400, "validation_failed", `invalid ${what}`, { issues });
  }
}

export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what?: string,
): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ValidationError(parsed.error, what);
  return parsed.data;
}
