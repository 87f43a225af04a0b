/**
 * Alertmanager-style silences and inhibition. A silence mutes every alert whose labels match all
 * of its matchers between its start and its end; an inhibition mutes a target alert while a source
 * alert with the same values of the `equal` labels fires (a fast page makes the slow ticket noise).
 */
import { z } from "zod";

export const matcherSchema = z.object({
  name: z.string().min(1).max(64).regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/),
  value: z.string().max(200),
  /** `=~`: the value is an anchored regular expression, as in Alertmanager. */
  isRegex: z.boolean().default(false),
}).refine((m) => !m.isRegex || validPattern(m.value), { message: "not a valid regular expression", path: ["value"] });
export type Matcher = z.infer<typeof matcherSchema>;

export interface Silence {
  id: string;
  matchers: readonly Matcher[];
  startsAt: number;
  endsAt: number;
}

function validPattern(p: string): boolean {
  try {
    new RegExp(p);
    return true;
  } catch {
    return false;
  }
}

export function matches(labels: Record<string, string>, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => {
    const v = labels[m.name] ?? "";
    if (!m.isRegex) return v === m.value;
    try {
      return new RegExp(`^(?:${m.value})$`).test(v);
    } catch {
      // An invalid pattern matches nothing rather than muting everything.
      return false;
    }
  });
}

/** The first silence muting these labels at `now`, if any. */
export function silencedBy(
  labels: Record<string, string>,
  silences: readonly Silence[],
  now: number,
): Silence | undefined {
  return silences.find((s) => s.startsAt <= now && now < s.endsAt && matches(labels, s.matchers));
}

export interface InhibitRule {
  source: readonly Matcher[];
  target: readonly Matcher[];
  equal: readonly string[];
}

/** A firing fast-burn page for a journey makes its slow-burn ticket redundant. */
export const INHIBIT_RULES: readonly InhibitRule[] = [
  {
    source: [{ name: "alertname", value: "ErrorBudgetBurn", isRegex: false }, { name: "severity", value: "page", isRegex: false }],
    target: [{ name: "alertname", value: "ErrorBudgetBurn", isRegex: false }, { name: "severity", value: "ticket", isRegex: false }],
    equal: ["journey"],
  },
];

export function inhibited(
  labels: Record<string, string>,
  firing: readonly Record<string, string>[],
  rules: readonly InhibitRule[] = INHIBIT_RULES,
): boolean {
  return rules.some(
    (r) =>
      matches(labels, r.target) &&
      firing.some((src) => src !== labels && matches(src, r.source) && r.equal.every((k) => src[k] === labels[k])),
  );
}
