import { describe, expect, it } from "vitest";
import type { RawTx } from "./fencing.ts";
import { setLocal } from "./relay.ts";

describe("setLocal", () => {
  it("sets every transaction-local limit in one round trip, values passed as parameters", async () => {
    const sent: { sql: string; values: unknown[] }[] = [];
    const tx: RawTx = {
      $queryRawUnsafe: <T>(sql: string, ...values: unknown[]) => {
        sent.push({ sql, values });
        return Promise.resolve([] as T);
      },
      $executeRawUnsafe: (sql: string, ...values: unknown[]) => {
        sent.push({ sql, values });
        return Promise.resolve(0);
      },
    };
    await setLocal(tx, { lock_timeout: "3s", "agora.scope": "platform" });
    expect(sent).toEqual([
      {
        sql: "SELECT set_config($1, $2, true), set_config($3, $4, true)",
        values: ["lock_timeout", "3s", "agora.scope", "platform"],
      },
    ]);
  });
});
