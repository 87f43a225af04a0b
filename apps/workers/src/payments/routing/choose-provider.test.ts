import { describe, expect, it } from "vitest";
import type { BreakerState } from "@agora/resilience";
import { chooseProviders, feeCents, type ProviderProfile } from "./choose-provider.ts";

const PROFILES: ProviderProfile[] = [
  { name: "card", currencies: "any", feeBps: 250, fixedFeeCents: 25 },
  { name: "payswift", currencies: ["EUR", "GBP", "CHF"], feeBps: 200, fixedFeeCents: 60 },
];
const healthy = (): BreakerState => "closed";
const names = (d: ReturnType<typeof chooseProviders>) => d.candidates.map((c) => c.name);

describe("chooseProviders", () => {
  it("prices a payment as fixed fee plus basis points, rounded to the cent", () => {
    expect(feeCents({ feeBps: 250, fixedFeeCents: 25 }, 10_000)).toBe(275);
    expect(feeCents({ feeBps: 290, fixedFeeCents: 30 }, 1_999)).toBe(88);
  });

  it("sends a payment to the cheapest healthy provider: small to card, large to PaySwift", () => {
    // card: 25 + 2.5 %; PaySwift: 60 + 2 % → PaySwift is cheaper above 70.00.
    expect(
      names(chooseProviders({ amountCents: 5_000, currency: "EUR" }, PROFILES, healthy)),
    ).toEqual(["card", "payswift"]);
    expect(
      names(chooseProviders({ amountCents: 20_000, currency: "EUR" }, PROFILES, healthy)),
    ).toEqual(["payswift", "card"]);
  });

  it("leaves out a provider that does not settle the currency", () => {
    const d = chooseProviders({ amountCents: 20_000, currency: "usd" }, PROFILES, healthy);
    expect(names(d)).toEqual(["card"]);
    expect(d.excluded).toEqual([{ name: "payswift", reason: "currency_unsupported" }]);
  });

  it("puts an open breaker last whatever it costs, and half-open between", () => {
    const health =
      (open: string, half?: string) =>
      (n: string): BreakerState =>
        n === open ? "open" : n === half ? "half-open" : "closed";
    expect(
      names(
        chooseProviders({ amountCents: 20_000, currency: "EUR" }, PROFILES, health("payswift")),
      ),
    ).toEqual(["card", "payswift"]);
    expect(
      names(
        chooseProviders({ amountCents: 5_000, currency: "EUR" }, PROFILES, health("none", "card")),
      ),
    ).toEqual(["payswift", "card"]);
  });

  it("has no candidate when nobody settles the currency", () => {
    const only = PROFILES.filter((p) => p.name === "payswift");
    expect(
      chooseProviders({ amountCents: 100, currency: "JPY" }, only, healthy).candidates,
    ).toEqual([]);
  });

  it("breaks a cost tie by name, so the decision is deterministic", () => {
    const tied: ProviderProfile[] = [
      { name: "payswift", currencies: "any", feeBps: 100, fixedFeeCents: 0 },
      { name: "card", currencies: "any", feeBps: 100, fixedFeeCents: 0 },
    ];
    expect(names(chooseProviders({ amountCents: 1_000, currency: "EUR" }, tied, healthy))).toEqual([
      "card",
      "payswift",
    ]);
  });
});
