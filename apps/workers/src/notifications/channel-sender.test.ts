import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  ChannelSendError,
  faultPlanSchema,
  faultsFromPlan,
  mailboxDir,
  simulatedSender,
} from "./channel-sender.ts";

const dirs: string[] = [];
const stateDir = () => {
  const d = mkdtempSync(join(tmpdir(), "agora-sender-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const message = {
  deliveryId: "2b7d5d1c-98f0-4b8e-b2d4-5d0d43c8b0a1",
  channel: "email" as const,
  recipient: "shopper@agora.local",
  subject: "Order confirmed",
  body: "Thanks",
};

describe("simulatedSender", () => {
  it("writes one file per delivery, replaced (not duplicated) when the delivery is retried", async () => {
    const dir = stateDir();
    const sender = simulatedSender({ channel: "email", stateDir: dir });
    await sender.send(message, 1);
    await sender.send(message, 2);
    const files = readdirSync(mailboxDir(dir, "email"));
    expect(files).toEqual([`${message.deliveryId}.json`]);
    expect(
      JSON.parse(readFileSync(join(mailboxDir(dir, "email"), files[0]!), "utf8")),
    ).toMatchObject({
      recipient: "shopper@agora.local",
      attempt: 2,
    });
  });

  it("fails with a typed error when the fault injector says so, writing nothing", async () => {
    const dir = stateDir();
    const sender = simulatedSender({ channel: "sms", stateDir: dir, faults: () => true });
    await expect(sender.send({ ...message, channel: "sms" }, 1)).rejects.toBeInstanceOf(
      ChannelSendError,
    );
    expect(existsSync(join(mailboxDir(dir, "sms"), `${message.deliveryId}.json`))).toBe(false);
  });
});

describe("faultsFromPlan", () => {
  it("fails the first N attempts with failFirst, every attempt with always, nothing otherwise", () => {
    const plan = faultPlanSchema.parse({ sms: { failFirst: 2 }, push: { always: true } });
    const sms = faultsFromPlan(plan, "sms");
    expect([1, 2, 3].map((a) => sms(message, a))).toEqual([true, true, false]);
    expect(faultsFromPlan(plan, "push")(message, 99)).toBe(true);
    expect(faultsFromPlan(plan, "email")(message, 1)).toBe(false);
  });

  it("refuses unknown channels", () => {
    expect(faultPlanSchema.safeParse({ fax: { always: true } }).success).toBe(false);
  });
});
