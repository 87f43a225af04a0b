import { describe, expect, it } from "vitest";
import { isSettled, MILESTONES, reachedMilestone } from "./order-progress.ts";

const label = (i: number) => MILESTONES[i]?.label;

describe("order milestones", () => {
  it("counts a captured, ready order as confirmed", () => {
    expect(label(reachedMilestone("READY_FOR_FULFILMENT", ["PENDING"], []))).toBe("Confirmed");
  });

  it("moves to shipped when any vendor shipped and to delivered only when all delivered", () => {
    expect(label(reachedMilestone("READY_FOR_FULFILMENT", ["SHIPPED", "PENDING"], []))).toBe(
      "Shipped",
    );
    expect(label(reachedMilestone("READY_FOR_FULFILMENT", ["DELIVERED", "SHIPPED"], []))).toBe(
      "Shipped",
    );
    expect(label(reachedMilestone("READY_FOR_FULFILMENT", ["DELIVERED", "DELIVERED"], []))).toBe(
      "Delivered",
    );
  });

  it("shows a DELIVERED order as delivered and settled even with a cancelled parcel", () => {
    expect(label(reachedMilestone("DELIVERED", ["DELIVERED", "CANCELLED"], []))).toBe("Delivered");
    expect(isSettled("DELIVERED", ["DELIVERED", "CANCELLED"])).toBe(true);
    expect(label(reachedMilestone("FULFILLING", ["ACCEPTED", "AWAITING"], []))).toBe("Confirmed");
  });

  it("shows a failed order at the furthest step its timeline reached", () => {
    const timeline = ["PENDING", "STOCK_RESERVED", "COMPENSATING", "FAILED"];
    expect(label(reachedMilestone("FAILED", ["RELEASED"], timeline))).toBe("Items reserved");
  });
});
