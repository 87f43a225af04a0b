/**
 * Channel senders. Agora never sends to the internet: the simulator "delivers" a message by
 * writing one file per delivery to `<stateDir>/mailbox/<channel>/<deliveryId>.json` (written to a
 * temp name and renamed, so a retried send replaces the file instead of adding a second one).
 * Failures are injectable, so tests and chaos drills can force retries and dead letters.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { CHANNELS, type Channel } from "./channels.ts";

export interface OutgoingMessage {
  deliveryId: string;
  channel: Channel;
  recipient: string;
  subject: string;
  body: string;
}

export interface ChannelSender {
  /** Resolves once the provider accepted the message; `attempt` counts from 1. */
  send(message: OutgoingMessage, attempt: number): Promise<void>;
}

/** A provider refused or failed the message; retryable until the attempts run out. */
export class ChannelSendError extends Error {
  readonly code = "CHANNEL_SEND_FAILED";
  constructor(
    readonly channel: Channel,
    message: string,
  ) {
    super(message);
    this.name = "ChannelSendError";
  }
}

/** Decides whether attempt `attempt` of `message` fails (true) — the injected provider fault. */
export type FaultInjector = (message: OutgoingMessage, attempt: number) => boolean;

export const noFaults: FaultInjector = () => false;

export function mailboxDir(stateDir: string, channel: Channel): string {
  return join(stateDir, "mailbox", channel);
}

export function simulatedSender(opts: {
  channel: Channel;
  stateDir: string;
  faults?: FaultInjector;
}): ChannelSender {
  const dir = mailboxDir(opts.stateDir, opts.channel);
  mkdirSync(dir, { recursive: true });
  const faults = opts.faults ?? noFaults;
  return {
    async send(message, attempt) {
      if (faults(message, attempt)) {
        throw new ChannelSendError(
          opts.channel,
          `simulated ${opts.channel} provider failure (attempt ${attempt})`,
        );
      }
      const file = join(dir, `${message.deliveryId}.json`);
      const body = { ...message, attempt, deliveredAt: new Date().toISOString() };
      writeFileSync(`${file}.tmp`, `${JSON.stringify(body, null, 2)}\n`);
      renameSync(`${file}.tmp`, file);
    },
  };
}

/**
 * Provider faults from the environment, e.g. `NOTIFY_FAULTS='{"sms":{"failFirst":2},"push":{"always":true}}'`:
 * `failFirst` fails each message's first N attempts, `always` fails every attempt.
 */
export const faultPlanSchema = z.partialRecord(
  z.enum(CHANNELS),
  z.object({
    failFirst: z.number().int().nonnegative().optional(),
    always: z.boolean().optional(),
  }),
);
export type FaultPlan = z.infer<typeof faultPlanSchema>;

export function faultsFromPlan(plan: FaultPlan, channel: Channel): FaultInjector {
  const p = plan[channel];
  if (!p) return noFaults;
  return (_message, attempt) => p.always === true || attempt <= (p.failFirst ?? 0);
}
