import { describe, expect, it } from "vitest";
import { connectionPeakNotes, statementsPerUnitNotes } from "./statements.ts";

describe("statementsPerUnitNotes", () => {
  const stats = [
    { cluster: "core", query: "INSERT INTO outbox (a) VALUES ($1)", calls: 40, totalMs: 80, rows: 40 },
    { cluster: "core", query: "SELECT 1", calls: 100, totalMs: 10, rows: 100 },
    { cluster: "shard-1", query: "UPDATE stock_levels SET reserved = reserved + $1", calls: 20, totalMs: 30, rows: 20 },
  ];

  it("gives each cluster's statements and database time per unit, most expensive first", () => {
    const [core, shard] = statementsPerUnitNotes(stats, 20);
    expect(core).toBe(
      "core: 7.0 statements, 4.5 ms of database time per order (top 2 statements; most: 2.0× 4.0 ms INSERT INTO outbox (a) VALUES ($1); 5.0× 0.5 ms SELECT 1)",
    );
    expect(shard).toMatch(/^shard-1: 1\.0 statements, 1\.5 ms of database time per order/);
  });

  it("says nothing when no unit finished", () => {
    expect(statementsPerUnitNotes(stats, 0)).toEqual([]);
  });
});

describe("connectionPeakNotes", () => {
  it("names each primary's peak against max_connections and its busiest holders", () => {
    expect(
      connectionPeakNotes([
        { cluster: "core", maxConnections: 100, peak: 87, byApplication: { "agora:core:rw:storefront-1": 10, "agora:core:rw:workers-sagas": 12, walsender: 2 } },
      ]),
    ).toEqual(["core: at most 87 of 100 connections on its primary (agora:core:rw:workers-sagas 12, agora:core:rw:storefront-1 10, walsender 2)"]);
  });
});
