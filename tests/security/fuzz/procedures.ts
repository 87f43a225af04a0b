/**
 * Every procedure an app serves, read from its router (APP_ROUTERS of @agora/api), with the outer
 * shape of its zod input so the generator can aim bad values at the procedure's own keys.
 */
import type { AnyTRPCRouter } from "@trpc/server";
import type { InputShape } from "./bad-input.ts";

export interface ProcedureUnderTest {
  path: string;
  type: "query" | "mutation";
  shape: InputShape | null;
}

interface ZodLike {
  _zod?: { def: Record<string, unknown> & { type: string } };
}

interface ProcedureRecord {
  _def: { type: "query" | "mutation" | "subscription"; inputs: unknown[] };
}

export function proceduresOf(router: AnyTRPCRouter): ProcedureUnderTest[] {
  // `_def.procedures` is tRPC's flat path → procedure map at runtime.
  const procedures = router._def.procedures as unknown as Record<string, ProcedureRecord>;
  return Object.entries(procedures)
    .filter(([, p]) => p._def.type !== "subscription")
    .map(([path, p]) => ({
      path,
      type: p._def.type as "query" | "mutation",
      shape: p._def.inputs.length ? shapeOf(p._def.inputs[0] as ZodLike, 0) : null,
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

function shapeOf(schema: ZodLike, depth: number): InputShape {
  const def = schema._zod?.def;
  if (!def || depth > 4) return { kind: "leaf" };
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, ZodLike>;
      return {
        kind: "object",
        keys: Object.fromEntries(Object.entries(shape).map(([k, s]) => [k, shapeOf(s, depth + 1)])),
      };
    }
    case "enum":
      return { kind: "enum", options: Object.values(def.entries as Record<string, unknown>) };
    case "literal":
      return { kind: "enum", options: def.values as unknown[] };
    case "array":
      return { kind: "array", item: shapeOf(def.element as ZodLike, depth + 1) };
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return shapeOf(def.innerType as ZodLike, depth);
    case "pipe":
      return shapeOf(def.in as ZodLike, depth);
    default:
      return { kind: "leaf" };
  }
}
