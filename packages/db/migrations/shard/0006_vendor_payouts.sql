-- The vendor's own record of money paid out to it, written by the shard participant of the payout
-- two-phase commit (core 0012 `payouts` is the coordinator log). Append-only for the app role,
-- tenant-isolated like every other shard table (row-level security, shard 0004).
-- Must match prisma/shard/schema.prisma (drift test).
CREATE TABLE vendor_payouts (
  -- The same id as the core `payouts` row.
  id           uuid PRIMARY KEY,
  vendor_id    uuid NOT NULL REFERENCES vendors (id),
  amount_cents integer NOT NULL CHECK (amount_cents > 0),
  currency     text NOT NULL,
  period_end   timestamptz NOT NULL,
  paid_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT vendor_payouts_vendor_period_key UNIQUE (vendor_id, currency, period_end)
);
CREATE INDEX vendor_payouts_vendor_id_paid_at_idx ON vendor_payouts (vendor_id, paid_at DESC);

ALTER TABLE vendor_payouts ENABLE ROW LEVEL SECURITY;
ALTER TABLE vendor_payouts FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON vendor_payouts
  USING (agora_row_visible(vendor_id)) WITH CHECK (agora_row_visible(vendor_id));
REVOKE UPDATE, DELETE, TRUNCATE ON vendor_payouts FROM agora;
