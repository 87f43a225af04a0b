import { describe, expect, it } from "vitest";
import { versionToRead } from "./order-follow.ts";

const push = (version: number) => ({
  orderId: "o",
  version,
  type: "X",
  status: "S",
  at: "2026-01-01T00:00:00.000Z",
});

describe("when a live order view reads again", () => {
  it("reads the announced version when a push is newer than what it shows", () => {
    expect(versionToRead(2, undefined, push(3))).toBe(3);
  });

  it("reads once for a push that skipped versions (the read returns the whole order)", () => {
    expect(versionToRead(2, undefined, push(6))).toBe(6);
  });

  it("does nothing for a push it already shows or already asked for (duplicates, snapshots)", () => {
    expect(versionToRead(5, undefined, push(5))).toBeNull();
    expect(versionToRead(3, 5, push(4))).toBeNull();
    expect(versionToRead(undefined, 5, push(5))).toBeNull();
  });

  it("reads after a reconnect snapshot that is ahead of the view", () => {
    expect(versionToRead(2, 2, push(4))).toBe(4);
  });
});
