/**
 * The simulator only ever calls back into this machine: a webhook URL must name localhost,
 * 127.0.0.0/8 or ::1. Host names other than `localhost` are refused without resolving them, so
 * DNS cannot point a webhook elsewhere.
 */
export function isLoopbackUrl(raw: string): boolean {
  if (!URL.canParse(raw)) return false;
  const url = new URL(raw);
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  const host = url.hostname;
  if (host === "localhost" || host === "[::1]") return true;
  // WHATWG URL parsing already normalised 127.1, 0x7f.0.0.1 etc. to dotted-quad form.
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
