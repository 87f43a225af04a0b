import { describe, expect, it } from "vitest";
import { EMPTY_ROUNDS_PER_STEP, idlePollMs } from "./idle-poll.ts";

describe("the relay's idle poll interval", () => {
  it("polls at full speed while work is recent", () => {
    for (let r = 0; r <= EMPTY_ROUNDS_PER_STEP; r++) expect(idlePollMs(250, 1000, r)).toBe(250);
  });

  it("slows down step by step over a quiet spell and stays at the cap", () => {
    expect(idlePollMs(250, 1000, EMPTY_ROUNDS_PER_STEP + 1)).toBe(500);
    expect(idlePollMs(250, 1000, 2 * EMPTY_ROUNDS_PER_STEP + 1)).toBe(750);
    expect(idlePollMs(250, 1000, 10_000)).toBe(1000);
  });

  it("never polls slower than asked when the cap is below the base interval", () => {
    expect(idlePollMs(250, 100, 10_000)).toBe(250);
  });
});
