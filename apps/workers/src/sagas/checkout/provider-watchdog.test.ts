import { afterEach, describe, expect, it, vi } from "vitest";
import { pino } from "pino";
import { bearerHeader } from "@agora/auth/service-token";
import { createPaymentSim, DEV_PAYMENT_SIM_ADMIN_TOKEN, type PaymentSim } from "@agora/payment-sim";
import { createCardApiGateway } from "../../payments/providers/card-api.ts";
import type { ProviderAdapter } from "../../payments/providers/provider-adapter.ts";
import { watchPaymentProvider, type ProviderWatchdog } from "./provider-watchdog.ts";

/** The admin token of in-process simulators (fault injection, ledger). */
const simAdmin = bearerHeader(DEV_PAYMENT_SIM_ADMIN_TOKEN);

let sim: PaymentSim | undefined;
let gateway: ProviderAdapter | undefined;
let watchdog: ProviderWatchdog | undefined;

afterEach(async () => {
  watchdog?.stop();
  gateway?.dispose();
  await sim?.close();
  sim = gateway = watchdog = undefined;
});

async function start(port = 0): Promise<string> {
  sim = createPaymentSim({ logger: pino({ level: "silent" }) });
  return sim.listen(port);
}

function watch(url: string) {
  gateway = createCardApiGateway({
    baseUrl: url,
    breakerName: `watchdog-test-${Math.random()}`,
    breaker: {
      trip: { kind: "consecutive", failures: 3 },
      halfOpenAfterMs: 300,
      timeoutMs: 500,
      retry: { maxAttempts: 1, initialDelayMs: 1, maxDelayMs: 1 },
    },
  });
  // A long interval: the test drives the probes itself.
  watchdog = watchPaymentProvider(gateway, { everyMs: 60_000 });
  return { gateway, watchdog };
}

describe("payment provider watchdog", () => {
  it("opens the breaker while the provider process is gone, with no checkout traffic, and closes it once it is back", async () => {
    const url = await start();
    const { gateway: g, watchdog: w } = watch(url);
    expect(await w.probe()).toBe(true);
    expect(g.breaker.state).toBe("closed");

    const port = Number(new URL(url).port);
    await sim?.close();
    for (let i = 0; i < 3; i++) expect(await w.probe()).toBe(false);
    expect(g.breaker.state).toBe("open");

    await start(port);
    // After the cooldown the next probe is the half-open trial call, and it succeeds.
    await vi.waitFor(
      async () => {
        await w.probe();
        expect(g.breaker.state).toBe("closed");
      },
      { timeout: 5_000, interval: 100 },
    );
  });

  it("sees an injected provider outage that leaves the process up", async () => {
    const url = await start();
    const { gateway: g, watchdog: w } = watch(url);
    await fetch(`${url}/admin/faults`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...simAdmin },
      body: JSON.stringify({ outage: true }),
    });
    for (let i = 0; i < 3; i++) await w.probe();
    expect(g.breaker.state).toBe("open");
  });
});
