import { trace } from "@opentelemetry/api";
import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import { afterAll, describe, expect, it } from "vitest";
import { inSpan, untraced } from "./spans.ts";

const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();
afterAll(() => provider.shutdown());

describe("untraced", () => {
  it("records no span for an idle loop's look, nor for what it calls across awaits, while other work stays traced", async () => {
    exporter.reset();
    await inSpan("relay.batch", {}, async () => {
      trace.getTracer("pg").startSpan("pg.query").end();
    });
    const answer = await untraced(async () => {
      await new Promise((r) => setTimeout(r, 1));
      return inSpan("relay.peek", {}, async () => {
        await new Promise((r) => setTimeout(r, 1));
        trace.getTracer("pg").startSpan("pg.query:SELECT EXISTS").end();
        return "empty";
      });
    });
    expect(answer).toBe("empty");
    expect(
      exporter
        .getFinishedSpans()
        .map((s) => s.name)
        .sort(),
    ).toEqual(["pg.query", "relay.batch"]);
  });
});
