import { describe, expect, it } from "vitest";
import { DatabaseUnavailableError, isRetryable, mapDatabaseError } from "./database-errors.ts";

function pgError(code: string, message: string) {
  return Object.assign(new Error(message), { code, severity: "FATAL" });
}

describe("mapDatabaseError", () => {
  it.each([
    [
      "connection refused",
      Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:25400"), {
        code: "ECONNREFUSED",
        syscall: "connect",
        errno: -111,
      }),
    ],
    ["connection reset", Object.assign(new Error("read ECONNRESET"), { code: "ECONNRESET" })],
    ["pg connection terminated", new Error("Connection terminated unexpectedly")],
    ["pg pool connect timeout", new Error("timeout exceeded when trying to connect")],
    ["pg client connect timeout", new Error("timeout expired")],
    [
      "admin shutdown 57P01",
      pgError("57P01", "terminating connection due to administrator command"),
    ],
    ["cannot connect now 57P03", pgError("57P03", "the database system is starting up")],
    [
      "read-only transaction 25006",
      pgError("25006", "cannot execute INSERT in a read-only transaction"),
    ],
    ["serialization failure 40001", pgError("40001", "could not serialize access")],
    [
      "no pooled connection within maxWait (P2028)",
      Object.assign(new Error("Transaction API error: Unable to start a transaction in the given time."), {
        code: "P2028",
        meta: {},
      }),
    ],
  ])("turns %s into a retryable DB_UNAVAILABLE error naming the cluster", (_label, err) => {
    const mapped = mapDatabaseError(err, "shard-2");
    expect(mapped).toBeInstanceOf(DatabaseUnavailableError);
    const e = mapped as DatabaseUnavailableError;
    expect(e.code).toBe("DB_UNAVAILABLE");
    expect(e.retryable).toBe(true);
    expect(e.cluster).toBe("shard-2");
    expect(e.cause).toBe(err);
    expect(isRetryable(err)).toBe(true);
  });

  it("finds the cause inside a Prisma known-request error wrapping a driver adapter error", () => {
    const prismaErr = Object.assign(new Error("Invalid `prisma.user.findMany()` invocation"), {
      code: "P2010",
      meta: {
        driverAdapterError: Object.assign(new Error("ConnectionClosed"), {
          cause: { kind: "ConnectionClosed" },
        }),
      },
    });
    expect(mapDatabaseError(prismaErr, "core")).toBeInstanceOf(DatabaseUnavailableError);
  });

  it("finds a pg SQLSTATE carried as originalCode", () => {
    const err = Object.assign(new Error("driver error"), {
      cause: { kind: "postgres", originalCode: "57P01", originalMessage: "terminating connection" },
    });
    expect((mapDatabaseError(err, "core") as DatabaseUnavailableError).reason).toBe("57P01");
  });

  it.each([
    ["unique violation", pgError("23505", "duplicate key value violates unique constraint")],
    [
      "check violation",
      pgError("23514", 'new row violates check constraint "stock_levels_quantities_check"'),
    ],
    ["syntax error", pgError("42601", "syntax error at or near")],
    ["plain bug", new TypeError("x is undefined")],
    [
      "a transaction past its timeout (P2028)",
      Object.assign(new Error("Transaction API error: Transaction already closed: the timeout for this transaction was 5000 ms."), {
        code: "P2028",
        meta: {},
      }),
    ],
  ])("leaves %s unchanged (not an availability problem)", (_label, err) => {
    expect(mapDatabaseError(err, "core")).toBe(err);
    expect(isRetryable(err)).toBe(false);
  });

  it("does not wrap twice", () => {
    const e = new DatabaseUnavailableError("core", "ECONNREFUSED");
    expect(mapDatabaseError(e, "shard-1")).toBe(e);
  });
});
