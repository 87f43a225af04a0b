import { afterEach, describe, expect, it, vi } from "vitest";
import { instrumentNextServer, type SentrySdk } from "./next-server.ts";

const started = vi.hoisted(() => [] as string[]);
vi.mock("./tracing/start-telemetry.ts", () => ({
  startTelemetry: ({ service }: { service: string }) => void started.push(service),
}));

const settings = (serviceName?: string, dsn?: string) => ({
  runtime: { AGORA_SERVICE_NAME: serviceName },
  telemetry: { SENTRY_DSN: dsn },
});

function sentry() {
  const init = vi.fn<SentrySdk["init"]>();
  return { init, load: vi.fn(async () => ({ init })) };
}

afterEach(() => {
  started.length = 0;
  vi.restoreAllMocks();
});

describe("instrumentNextServer", () => {
  it("starts tracing under AGORA_SERVICE_NAME, else the app's name, and leaves Sentry out without a DSN", async () => {
    const s = sentry();
    await instrumentNextServer({
      service: "storefront",
      settings: async () => settings(),
      sentry: s.load,
    });
    await instrumentNextServer({
      service: "storefront",
      settings: async () => settings("storefront-2"),
      sentry: s.load,
    });
    expect(started).toEqual(["storefront", "storefront-2"]);
    expect(s.load).not.toHaveBeenCalled();
  });

  it("sends errors to Sentry with a DSN, without Sentry's own OpenTelemetry setup", async () => {
    const s = sentry();
    const loaded = settings(undefined, "https://key@sentry.example/1");
    expect(
      await instrumentNextServer({
        service: "ops-console",
        settings: async () => loaded,
        sentry: s.load,
      }),
    ).toBe(loaded);
    expect(s.init).toHaveBeenCalledWith({
      dsn: "https://key@sentry.example/1",
      enableOpenTelemetrySetup: false,
      tracesSampleRate: 0,
    });
  });

  it("stops the process, naming the problem, when the settings do not load", async () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((code) => {
      throw new Error(`exit ${code}`);
    });
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    await expect(
      instrumentNextServer({
        service: "vendor-portal",
        settings: async () => {
          throw new Error("AGORA_DB_SHARDS: not set");
        },
        sentry: sentry().load,
      }),
    ).rejects.toThrow("exit 1");
    expect(error).toHaveBeenCalledWith("AGORA_DB_SHARDS: not set");
    expect(exit).toHaveBeenCalledWith(1);
    expect(started).toEqual([]);
  });
});
