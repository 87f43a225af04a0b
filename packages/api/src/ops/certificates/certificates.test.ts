import { describe, expect, it } from "vitest";
import { certificateRow, EXPIRY_WARNING_DAYS } from "./certificates.ts";

const now = new Date("2026-12-05T12:00:00Z");
const view = (notAfter: string | null) => ({
  endpoint: "postgres core-1",
  address: "127.0.0.1:5432",
  subject: notAfter ? "postgres-core-1" : null,
  serial: notAfter ? "abc" : null,
  notAfter,
  protocol: notAfter ? "TLSv1.3" : null,
});

describe("certificateRow", () => {
  it("counts whole days left and flags a certificate inside the warning window", () => {
    expect(certificateRow(view("2027-03-05T12:00:00Z"), now)).toMatchObject({
      daysLeft: 90,
      state: "ok",
    });
    const soon = new Date(now.getTime() + (EXPIRY_WARNING_DAYS - 1) * 86_400_000).toISOString();
    expect(certificateRow(view(soon), now)).toMatchObject({
      daysLeft: EXPIRY_WARNING_DAYS - 1,
      state: "expiring",
    });
    expect(certificateRow(view("2026-12-04T12:00:00Z"), now)).toMatchObject({
      daysLeft: -1,
      state: "expired",
    });
  });

  it("shows an endpoint that could not be asked as unreachable, with no days", () => {
    expect(certificateRow({ ...view(null), error: "connect ECONNREFUSED" }, now)).toMatchObject({
      daysLeft: null,
      state: "unreachable",
      error: "connect ECONNREFUSED",
    });
  });
});
