-- Vendor payouts: the coordinator log of the two-phase commit that moves a vendor's payable
-- balance (core ledger) and records the payout on the vendor's shard (vendor_payouts, shard 0006).
-- The row is written before either participant prepares; its state is the decision: recovery
-- commits prepared transactions `payout:<id>:core|shard` only when state = 'committed' and rolls
-- back the rest (presumed abort). See docs/adr/0005-payout-two-phase-commit.md.
-- Must match prisma/core/schema.prisma (drift test).
CREATE TABLE payouts (
  id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  vendor_id             uuid NOT NULL,
  amount_cents          integer NOT NULL CHECK (amount_cents > 0),
  currency              text NOT NULL,
  period_end            timestamptz NOT NULL,
  -- The shard that holds the vendor's record (where the shard participant prepared).
  shard                 text NOT NULL,
  -- Prefix of the participants' global transaction ids: '<gid>:core' and '<gid>:shard'.
  gid                   text NOT NULL UNIQUE,
  state                 text NOT NULL DEFAULT 'preparing'
    CHECK (state IN ('preparing', 'prepared', 'committed', 'aborted')),
  ledger_transaction_id uuid,
  failure               text,
  created_at            timestamptz NOT NULL DEFAULT now(),
  decided_at            timestamptz,
  -- Both participants committed (COMMIT PREPARED done on core and shard).
  completed_at          timestamptz
);
-- One payout per vendor, currency and period; an aborted attempt leaves the period open.
CREATE UNIQUE INDEX payouts_vendor_period_key ON payouts (vendor_id, currency, period_end)
  WHERE state <> 'aborted';
CREATE INDEX payouts_vendor_id_created_at_idx ON payouts (vendor_id, created_at DESC);
-- Payouts that still wait for their decision or for both participants to finish.
CREATE INDEX payouts_open_idx ON payouts (created_at) WHERE completed_at IS NULL AND state <> 'aborted';

-- The account every payout credits (money on its way to vendors' banks). Created here rather than on
-- first use: a first-use insert inside a prepared transaction would hold the code's unique-index
-- entry, and every other first use would wait for that payout's decision.
INSERT INTO ledger_accounts (code, name, kind, vendor_id, currency)
VALUES ('payouts-clearing', 'Payouts in transit to vendors', 'asset', NULL, 'EUR')
ON CONFLICT (code) DO NOTHING;
